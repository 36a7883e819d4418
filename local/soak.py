"""The local runtime under load: `make run`'s backend, started as a newcomer starts it, driven for a few
minutes by concurrent clients of mixed traffic over loopback (reads, usage batches, previews, seat changes,
card top-ups), sampled each minute: memory of its whole process tree, p95 latency, errors.

    .venv/bin/python -m local.soak --minutes 10        (`make soak` runs it after the soak-sized tests)

Then it stops the backend with SIGTERM and times the stop. It prints the per-minute curve and its rows of
the reliability table (with BILLING_PROPERTY_REPORT naming a file, added to the other runs' rows there).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from statistics import quantiles
from typing import Any

import requests

from local.emulators import free_port
from local.property_table import table_lines
from local.replay_seed_stories import Local

ROOT = Path(__file__).resolve().parent.parent
RUN = "make run (soak)"
# Memory is flat when the last half of the run grows less than this share of the first minute's figure.
# The traffic's state grows little (usage ids cycle; a top-up every 30 requests, two proration lines a seat
# change): a few MB over the run, so more growth than this would be a leak.
FLAT_GROWTH = 0.10


@dataclass
class Minute:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class Traffic:
    started: float = field(default_factory=time.monotonic)
    minutes: dict[int, Minute] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, seconds: float, error: str | None) -> None:
        with self.lock:
            minute = self.minutes.setdefault(int((time.monotonic() - self.started) // 60), Minute())
            minute.latencies.append(seconds)
            if error:
                minute.errors.append(error)


def tree_rss_mb(root_pid: int) -> dict[str, float]:
    """Resident memory of a process and all its descendants, from /proc, by role: the backend's own process
    (gateway and moto, which keeps the AWS state), localstripe (the Stripe state), the function containers."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            parent = _parent(entry)
            if parent is not None:
                children.setdefault(parent, []).append(int(entry.name))
    by_role: dict[str, float] = {"backend": 0.0, "stripe": 0.0, "containers": 0.0}
    pending = [root_pid]
    while pending:
        pid = pending.pop()
        pending += children.get(pid, [])
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
            rss_kb = next(
                int(line.split()[1])
                for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                if line.startswith("VmRSS:")
            )
        except (OSError, StopIteration):
            continue
        role = "backend" if pid == root_pid else "stripe" if b"local.stripe_server" in command else "containers"
        by_role[role] += rss_kb / 1024
    return by_role


def start_backend(port: int, key: str, log: Path) -> subprocess.Popen[bytes]:
    env = os.environ | {"BILLING_PORT": str(port), "BILLING_OPERATOR_KEY": key}
    env.pop("AWS_ENDPOINT_URL", None)
    with log.open("wb") as output:  # the backend's own log, kept for a look after a failed soak
        process = subprocess.Popen(  # the same command `make run` runs
            [sys.executable, "-m", "local.run"], cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    deadline = time.monotonic() + 90
    while True:
        try:
            if requests.get(f"http://127.0.0.1:{port}/_local/endpoints", timeout=2).ok:
                return process
        except requests.ConnectionError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("the backend did not start")
        time.sleep(0.3)


def customer_traffic(local: Local, catalog: dict[str, Any], name: str) -> Callable[[int], requests.Response]:
    """One customer's mixed requests, the n-th of an endless cycle each call."""
    account, key = local.customer(name)
    local.save_card(account["id"], key)
    items = [{"price": catalog["seat"], "quantity": 2}, {"price": catalog["minutes"]}]
    subscription = local.call(
        "POST", "/v1/subscriptions", key, json={"account": account["id"], "items": items}, expect=201
    )
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {key}"
    base, account_id, seat = local.url, account["id"], subscription["items"][0]["id"]

    def request(n: int) -> requests.Response:
        kind = n % 10
        if kind in (0, 5):
            now = local.now()
            # Ids cycle over 20 batches: past a client's first 400 events a batch is all duplicates, so the
            # state stops growing and a growing memory would be a leak, not data.
            events = [
                {
                    "id": f"{name}-{n % 100}-{i}",
                    "subscription": subscription["id"],
                    "meter": "outbound_minutes",
                    "timestamp": (now - timedelta(seconds=i)).isoformat(),
                    "quantity": "1.5",
                }
                for i in range(20)
            ]
            return session.post(f"{base}/v1/usage_events", json={"events": events}, timeout=60)
        if kind == 1:
            return session.post(f"{base}/v1/invoices/preview", json={"subscription": subscription["id"]}, timeout=60)
        if kind == 2:
            return session.get(f"{base}/v1/invoices", params={"account": account_id}, timeout=60)
        if kind == 3:
            body = {"items": [{"id": seat, "quantity": 2 + n % 3}]}
            return session.patch(f"{base}/v1/subscriptions/{subscription['id']}", json=body, timeout=60)
        if kind == 4:
            return session.get(f"{base}/v1/accounts/{account_id}/balance", timeout=60)
        if kind == 7 and n % 30 == 7:
            headers = {"Idempotency-Key": f"{name}-top-up-{n}"}
            top_up: dict[str, Any] = {"amount": 500, "currency": "EUR"}
            return session.post(f"{base}/v1/accounts/{account_id}/top_ups", json=top_up, headers=headers, timeout=60)
        return session.get(f"{base}/v1/accounts/{account_id}", timeout=60)

    return request


def drive(request: Callable[[int], requests.Response], traffic: Traffic, until: float) -> None:
    n = 0
    while time.monotonic() < until:
        started = time.monotonic()
        try:
            answer = request(n)
            error = None if answer.status_code < 400 else f"{answer.status_code} {answer.text[:200]}"
        except requests.RequestException as failure:
            error = f"{type(failure).__name__}: {failure}"
        traffic.record(time.monotonic() - started, error)
        n += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=4)
    arguments = parser.parse_args()
    port, key = free_port(), f"bk_soak-{secrets.token_hex(12)}"
    log = ROOT / ".localstack" / "soak-backend.log"
    log.parent.mkdir(exist_ok=True)
    process = start_backend(port, key, log)
    print(f"backend log: {log.relative_to(ROOT)}")
    try:
        local = Local(f"http://127.0.0.1:{port}", key)
        local.endpoints = requests.get(f"{local.url}/_local/endpoints", timeout=10).json()
        product = local.call("POST", "/v1/products", json={"name": "Téléphonie cloud"}, expect=201)
        catalog = {
            "seat": local.price(product["id"], "Licence", 3000)["id"],
            "minutes": local.price(
                product["id"], "Minutes sortantes", 5, usage_type="metered", meter={"event_name": "outbound_minutes"}
            )["id"],
        }
        clients = [customer_traffic(local, catalog, f"soak-{n}") for n in range(arguments.clients)]
        traffic = Traffic()
        until = traffic.started + arguments.minutes * 60
        threads = [threading.Thread(target=drive, args=(c, traffic, until), daemon=True) for c in clients]
        for thread in threads:
            thread.start()
        memory = [tree_rss_mb(process.pid)]
        print(f"memory MB at start: {_roles(memory[0])}")
        print("minute | requests | p95 ms | errors | memory MB (whole tree: backend with moto, stripe, containers)")
        for minute in range(int(arguments.minutes + 0.999)):
            time.sleep(max(0.0, min(until, traffic.started + 60 * (minute + 1)) - time.monotonic()))
            memory.append(tree_rss_mb(process.pid))
            with traffic.lock:
                sample = traffic.minutes.get(minute, Minute())
            p95 = quantiles(sample.latencies, n=20)[-1] * 1000 if len(sample.latencies) > 1 else 0.0
            count, failed = len(sample.latencies), len(sample.errors)
            total = sum(memory[-1].values())
            line = f"{minute + 1:>6} | {count:>8} | {p95:>6.0f} | {failed:>6} | {total:>5.0f} ({_roles(memory[-1])})"
            print(line, flush=True)
        for thread in threads:
            thread.join()
    finally:
        stop_seconds = stop_with_sigterm(process)
    parts = [line for line in log.read_text(errors="replace").splitlines() if line.startswith("stopped")]
    report(traffic, memory, stop_seconds, process.pid, arguments, parts[-1] if parts else "no stop line")


def stop_with_sigterm(process: subprocess.Popen[bytes]) -> float:
    """Seconds from SIGTERM to the backend's exit (killed after 30 s)."""
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    return time.monotonic() - started


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid``."""
    return [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit() and _parent(entry) == pid]


def _roles(memory: dict[str, float]) -> str:
    return ", ".join(f"{role} {mb:.0f}" for role, mb in memory.items())


def report(
    traffic: Traffic, memory: list[dict[str, float]], stop_seconds: float, pid: int, arguments: Any, stop_line: str
) -> None:
    minutes = [traffic.minutes[m] for m in sorted(traffic.minutes)]
    requests_sent = sum(len(m.latencies) for m in minutes)
    errors = [e for m in minutes for e in m.errors]
    totals = [sum(sample.values()) for sample in memory]
    first, half, last = totals[1], totals[len(totals) // 2], totals[-1]
    growth = (last - half) / first if first else 0.0
    leftover = children(pid)
    load = f"{arguments.clients} clients, {arguments.minutes:g} min, {requests_sent} requests"
    rows = [
        {"property": "local runtime: no error under load", "checks": requests_sent, "violations": len(errors)},
        {
            "property": f"local runtime: memory flat (last half grows < {FLAT_GROWTH:.0%})",
            "checks": len(memory) - 1,
            "violations": int(growth >= FLAT_GROWTH),
            "load": f"{first:.0f} → {half:.0f} → {last:.0f} MB",
        },
        {
            "property": "local runtime: stops within 5 s on SIGTERM, no process left",
            "checks": 1,
            "violations": int(stop_seconds > 5 or bool(leftover)),
            "load": f"exited {stop_seconds:.1f} s after SIGTERM; {stop_line}",
        },
    ]
    rows = [{"load": load, "run": RUN} | row for row in rows]
    for error in errors[:5]:
        print(f"  error: {error}")
    report_file = os.environ.get("BILLING_PROPERTY_REPORT")
    if report_file:
        with open(report_file, "a") as appended:
            appended.writelines(json.dumps(row) + "\n" for row in rows)
        with open(report_file) as written:
            rows = [json.loads(line) for line in written if line.strip()]
    print()
    print("\n".join(table_lines(rows)))
    sys.exit(1 if any(row["violations"] for row in rows) else 0)


def _parent(entry: Path) -> int | None:
    try:
        return int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


if __name__ == "__main__":
    main()
