"""A `make run` killed in the middle of a clock advance, restarted on its saved state (BILLING_STATE_DIR:
local/persistence.py), resumes: asked again for the same advance, it ends as an uninterrupted run would,
each renewal invoiced once with gapless numbers, charged once, emailed once, and the balance at zero.

On moto only (the state saved is moto's and localstripe's), so it runs in the moto session alone.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import requests

from local.emulators import free_port
from local.replay_seed_stories import Local

pytestmark = pytest.mark.integration
KEY = "bk_restart-test-operator-key-0001"
MONTHS = 4


def start(port: int, state: Path) -> subprocess.Popen[bytes]:
    env = os.environ | {"BILLING_PORT": str(port), "BILLING_OPERATOR_KEY": KEY, "BILLING_STATE_DIR": str(state)}
    env.pop("AWS_ENDPOINT_URL", None)
    process = subprocess.Popen(  # its own process group: killed whole, as a terminal's Ctrl-\\ or kill -9 would
        [sys.executable, "-m", "local.run"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 90
    while True:
        try:
            if requests.get(f"http://127.0.0.1:{port}/_local/endpoints", timeout=2).ok:
                return process
        except requests.ConnectionError:
            pass
        assert process.poll() is None, "the backend stopped"
        assert time.monotonic() < deadline, "the backend did not start"
        time.sleep(0.3)


def saved_now(state: Path) -> datetime | None:
    try:
        return datetime.fromisoformat(json.loads((state / "clock.json").read_text())["now"])
    except (OSError, ValueError, KeyError):
        return None


@pytest.mark.skipif(bool(os.environ.get("AWS_ENDPOINT_URL")), reason="the saved state is moto's: the moto session")
def test_a_killed_backend_restarts_on_its_state_and_finishes_the_advance(tmp_path, properties):
    port, state = free_port(), tmp_path / "state"
    process = start(port, state)
    local = Local(f"http://127.0.0.1:{port}", KEY)
    local.endpoints = requests.get(f"{local.url}/_local/endpoints", timeout=10).json()
    product = local.call("POST", "/v1/products", json={"name": "Hébergement"}, expect=201)
    price = local.price(product["id"], "Mensuel", 2000)
    account, key = local.customer("Reprise SAS")
    local.save_card(account["id"], key)
    body = {"account": account["id"], "items": [{"price": price["id"]}]}
    local.call("POST", "/v1/subscriptions", key, json=body, expect=201)
    started = local.now()
    target = started + timedelta(days=31 * MONTHS)

    # When the clock is asked to advance four months, and the backend is killed once a renewal is saved
    advance = threading.Thread(target=lambda: _advance(local, target), daemon=True)
    advance.start()
    deadline = time.monotonic() + 120
    while (saved_now(state) or started) < started + timedelta(days=40) and time.monotonic() < deadline:
        time.sleep(0.2)
    killed_at = saved_now(state)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    properties.load("a killed make run resumes on its saved state", f"killed at {killed_at}, {MONTHS} months asked")
    properties.check("a killed make run resumes on its saved state", killed_at is not None and killed_at < target)

    # Then, restarted on the same state and asked again, it finishes the advance
    process = start(port, state)
    try:
        properties.check(
            "a killed make run resumes on its saved state", local.now() >= (killed_at or started), "clock went back"
        )
        local.advance_to(target)
        local.settle(lambda: _all_paid(local, account["id"], key), "every invoice paid", timeout=60)
        invoices = local.call("GET", "/v1/invoices", key, params={"account": account["id"], "limit": 100})["data"]
        series: dict[str, list[int]] = {}  # F-2026-…, F-2027-…: one gapless series per year
        for invoice in invoices:
            prefix, number = invoice["number"].rsplit("-", 1)
            series.setdefault(prefix, []).append(int(number))
        payments = local.call("GET", "/v1/payments", key, params={"account": account["id"], "limit": 100})["data"]
        emails = requests.get(f"{local.url}/_local/emails", params={"to": account["billing_email"]}, timeout=10)
        invoice_emails = [e for e in emails.json()["data"] if any(str(i["number"]) in e["subject"] for i in invoices)]
        balance = local.call("GET", f"/v1/accounts/{account['id']}/balance", key)["balance"]
        outcome = {
            "invoices": len(invoices),
            "gapless": all(sorted(n) == list(range(1, len(n) + 1)) for n in series.values()),
            "all paid": all(i["status"] == "paid" for i in invoices),
            "one payment per invoice": sorted(p["invoice"] for p in payments) == sorted(i["id"] for i in invoices),
            "one email per invoice": len(invoice_emails) == len(invoices),
            "balance": balance,
        }
        expected = {
            "invoices": MONTHS + 1, "gapless": True, "all paid": True, "one payment per invoice": True,
            "one email per invoice": True, "balance": 0,
        }  # fmt: skip
        properties.check("a killed make run resumes on its saved state", outcome == expected, str(outcome))
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    properties.verify()


def _advance(local: Local, target: datetime) -> None:
    with contextlib.suppress(requests.RequestException):  # the backend is killed under it
        local.advance_to(target)


def _all_paid(local: Local, account_id: str, key: str) -> bool:
    invoices = local.call("GET", "/v1/invoices", key, params={"account": account_id, "limit": 100})["data"]
    return len(invoices) >= MONTHS + 1 and all(i["status"] == "paid" for i in invoices)
