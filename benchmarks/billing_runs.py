"""Billing runs on the local backend, as `make run` runs them: N subscriptions' invoices finalized, rendered
(PDF and Factur-X), stored and emailed by one hourly run, for growing N; the AWS requests they made, whichever
process made them (counted by the emulator: local/faults.py), priced per 1,000 invoices; the memory of the
backend's processes after each run."""

from __future__ import annotations

import collections
import itertools
import os
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

from benchmarks.apart import in_own_process

SIZES = (100, 400, 1600)
THROUGHPUT_BUDGET = 20.0  # invoices a second at the largest N
FLAT_MEMORY = 1.25  # the last run may keep at most this much more memory per invoice than the run before
COST_BUDGET = 0.15  # dollars per 1,000 invoices
STRIPE_BILLING_SHARE = 0.007  # Stripe Billing's pay-as-you-go fee on billed volume
CONCURRENCY = 2  # containers per function: this machine's two cores
# List prices, us-east-1 on-demand, read 2026-12: per million requests (DynamoDB write units and reads, SQS,
# EventBridge custom events, SES per thousand emails, S3 PUT per thousand) and Lambda arm64 per GB-second.
PRICES = {
    "dynamodb_write_unit": 0.625e-6,
    "dynamodb_read": 0.125e-6,
    "sqs": 0.40e-6,
    "events": 1.00e-6,
    "ses": 0.10e-3,
    "s3_put": 0.005e-3,
    "lambda_request": 0.20e-6,
    "lambda_gb_second": 0.0000133334,
}
READS = ("GetItem", "Query", "BatchGetItem", "Scan", "TransactGetItems")


def measure() -> list[str]:
    """Start a backend in this process (one per process: the handlers compose once), run every size."""
    import requests

    from local.backend import LocalBackend

    backend = LocalBackend(table_prefix="billing-bench-runs", concurrency=CONCURRENCY).start()
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {backend.operator_key}"
    try:
        return _measure(backend, session)
    finally:
        backend.stop()


def measure_apart() -> list[str]:
    """``measure`` in a process of its own (benchmarks/apart.py)."""
    return in_own_process("benchmarks.billing_runs", "measure", timeout_s=3600)


def _measure(backend: Any, session: Any) -> list[str]:
    base = backend.url
    price = monthly_price(session, base, "Team plan")
    from billing.invoices.numbering import seller_month
    from local.emulators import CONDITION_FAILURES, moto_held_bytes

    lines, rates, totals = [], [], collections.Counter[str]()
    kept: list[tuple[int, float, dict[str, int]]] = [(0, _memory_mb(os.getpid()), moto_held_bytes())]
    invoices_total, numbering_retries = 0, CONDITION_FAILURES["SERIES"]
    started_at = backend.triggers.clock.now()
    for size in SIZES:
        _subscribe(session, base, price["id"], size)
        # What subscribing queued (webhook deliveries of the accounts and subscriptions created) is the set-up's
        # work, delivered long before a real run: not counted in the run's time, requests or cost.
        backend.triggers.drain()
        before, invoked, cpu_before = _tally(backend), _invocations(backend), _cpu_seconds()
        started = time.monotonic()
        # The drafts made at subscription are finalized by the first hourly run after their grace hour.
        backend.triggers.advance_to(backend.triggers.clock.now() + timedelta(hours=2))
        took = time.monotonic() - started
        after, cpu_after = _tally(backend), _cpu_seconds()
        calls, seconds = (now - then for now, then in zip(_invocations(backend), invoked, strict=True))
        counts: collections.Counter[str] = collections.Counter()
        counts["lambda_invocations"], counts["lambda_ms"] = int(calls), round(seconds * 1000)
        counts.update({op: after["calls"].get(op, 0) - n for op, n in before["calls"].items()})
        counts.update({op: n for op, n in after["calls"].items() if op not in before["calls"]})
        counts["dynamodb_write_units"] = round(after["dynamodb_write_units"] - before["dynamodb_write_units"])
        counts["events_put"] = after["events_put"] - before["events_put"]
        emailed = counts.get("ses:SendRawEmail", 0)
        rates.append((size, emailed / took))
        totals.update(counts)
        invoices_total += emailed
        lines.append(
            f"N = {size:>5}: {emailed:>5} invoices finalized, rendered and emailed in {took:6.1f} s = "
            f"{emailed / took:5.1f} invoices/s   backend memory {_memory_mb(os.getpid()):,.0f} MB "
            f"(+ {_children_mb(os.getpid()):,.0f} MB in its containers)"
        )
        lines.append(_cpu_line(cpu_before, cpu_after, emailed))
        kept.append((emailed, _memory_mb(os.getpid()), moto_held_bytes()))
    (small, small_rate), (large, large_rate) = rates[0], rates[-1]
    verdict = "ok" if large_rate >= THROUGHPUT_BUDGET else "UNDER"
    lines.append(
        f"growth: {large // small}× the subscriptions took {small_rate / large_rate * large / small:.1f}× the time "
        f"(linear: {large // small}×)   budget ≥ {THROUGHPUT_BUDGET:.0f} invoices/s at N = {large:,}: {verdict}"
    )
    lines.append(_memory_line(kept))
    months = {seller_month(started_at), seller_month(backend.triggers.clock.now())}
    lines.append(_numbering_line(backend, months, invoices_total, CONDITION_FAILURES["SERIES"] - numbering_retries))
    lines.extend(_cost_lines(totals, invoices_total))
    return lines


def _memory_line(kept: list[tuple[int, float, dict[str, int]]]) -> str:
    """What each run added to the backend's memory per invoice, beside the content moto holds for it (its
    PDF and XML in S3; the mailbox keeps the newest emails only): flat when the last run keeps no more per
    invoice than the run before (nothing that grows with the runs themselves: copies, queues, logs)."""
    runs = []
    for (_, rss_before, held_before), (invoices, rss_after, held_after) in itertools.pairwise(kept):
        count = max(invoices, 1)
        s3, mailbox = ((held_after[kind] - held_before[kind]) / 1024 / count for kind in ("s3", "mailbox"))
        runs.append(((rss_after - rss_before) * 1024 / count, s3, mailbox, invoices))
    shown = "; ".join(
        f"+{rss:,.0f} KB an invoice over {invoices:,} (S3 {s3:,.0f} KB, mailbox {mailbox:,.0f} KB)"
        for rss, s3, mailbox, invoices in runs
    )
    verdict = "n/a (one run)" if len(runs) < 2 else "ok" if runs[-1][0] <= FLAT_MEMORY * runs[-2][0] else "GROWS"
    return (
        f"memory kept by the backend per invoice, run by run: {shown}; the rest is DynamoDB's items as moto "
        f"holds them   budget: flat (the last run ≤ {FLAT_MEMORY}× the one before): {verdict}"
    )


def _numbering_line(backend: Any, months: set[str], finalized: int, retries: int) -> str:
    """Every invoice number issued in the runs' months, read back (the e-reporting index, then the invoices):
    one gapless run from 1 per series; and the retries the series' counters caused (transactions cancelled
    on a SERIES item: each is a finalization taken again)."""
    from billing.adapters.dynamodb_billing import DynamoBillingStore
    from billing.adapters.dynamodb_tables import bind_table

    bind_table(backend.tables["Main"])
    store = DynamoBillingStore()
    numbers: dict[str, list[int]] = collections.defaultdict(list)
    for month in sorted(months):
        invoices, _ = store.issued_in(month)
        for invoice in invoices:
            if invoice.number:
                series, _, sequence = invoice.number.rpartition("-")
                numbers[series].append(int(sequence))
    gapless = all(sorted(taken) == list(range(1, len(taken) + 1)) for taken in numbers.values())
    total = sum(len(taken) for taken in numbers.values())
    verdict = "ok" if gapless and retries == 0 else "OVER"
    return (
        f"numbering: {finalized:,} finalizations in {len(SIZES)} runs through one FIFO group; {total:,} invoice "
        f"numbers read back, {'gapless' if gapless else 'WITH GAPS'} ({', '.join(sorted(numbers))}); "
        f"conditional-write retries on the series counter: {retries}   budget: gapless, 0 retries: {verdict}"
    )


def monthly_price(session: Any, base: str, product_name: str) -> dict[str, Any]:
    """A product at €30 a month."""
    product = session.post(base + "/v1/products", json={"name": product_name}, timeout=30).json()
    price: dict[str, Any] = session.post(
        base + "/v1/prices",
        json={"product": product["id"], "currency": "EUR", "unit_amount": 3000, "recurring": {"interval": "month"}},
        timeout=30,
    ).json()
    return price


def _subscribe(session: Any, base: str, price_id: str, count: int) -> None:
    """``count`` French companies, each on a monthly plan paid by bank transfer (no card to charge)."""
    from tests.builders import french_company

    def one(_: int) -> None:
        account = session.post(base + "/v1/accounts", json=french_company(), timeout=60).json()
        subscription = {
            "account": account["id"],
            "items": [{"price": price_id, "quantity": 3}],
            "collection_method": "send_invoice",
            "days_until_due": 30,
        }
        session.post(base + "/v1/subscriptions", json=subscription, timeout=60).raise_for_status()

    with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
        list(pool.map(one, range(count)))


def _tally(backend: Any) -> dict[str, Any]:
    import requests

    answer: dict[str, Any] = requests.get(backend.aws_endpoint_url + "/_faults", timeout=30).json()
    return answer


def _cost_lines(counts: collections.Counter[str], invoices: int) -> list[str]:
    per = 1000 / max(invoices, 1)
    reads = sum(n for op, n in counts.items() if op.startswith("dynamodb:") and op.split(":")[1] in READS)
    sqs = sum(n for op, n in counts.items() if op.startswith("sqs:"))
    events = counts["events_put"]  # EventBridge bills each event put, not each PutEvents
    emails = counts.get("ses:SendRawEmail", 0)
    puts = counts.get("s3:PutObject", 0)
    invocations, seconds = counts["lambda_invocations"], counts["lambda_ms"] / 1000
    cost = {
        "DynamoDB writes": counts["dynamodb_write_units"] * PRICES["dynamodb_write_unit"],
        "DynamoDB reads": reads * PRICES["dynamodb_read"],
        "SQS": sqs * PRICES["sqs"],
        "EventBridge": events * PRICES["events"],
        "SES": emails * PRICES["ses"],
        "S3": puts * PRICES["s3_put"],
        # Each invocation's duration here (emulated AWS calls included), at 512 MB.
        "Lambda": invocations * PRICES["lambda_request"] + seconds * 0.5 * PRICES["lambda_gb_second"],
    }
    total = sum(cost.values()) * per
    verdict = "ok" if total <= COST_BUDGET else "OVER"
    shown = ", ".join(f"{name} ${value * per:.4f}" for name, value in cost.items())
    return [
        f"requests per invoice: {counts['dynamodb_write_units'] / invoices:.1f} DynamoDB write units, "
        f"{reads / invoices:.1f} reads, {sqs / invoices:.1f} SQS, {events / invoices:.1f} EventBridge events, "
        f"{puts / invoices:.1f} S3 PUT, {emails / invoices:.1f} SES",
        f"AWS cost per 1,000 invoices at list prices: ${total:.3f} ({shown})   budget ≤ ${COST_BUDGET}: {verdict}; "
        f"Stripe Billing takes {STRIPE_BILLING_SHARE:.1%} of what is billed (€90 invoices: "
        f"€{90 * 1000 * STRIPE_BILLING_SHARE:,.0f} per 1,000)",
    ]


_invoked = [0, 0.0]  # invocations and their seconds, every function and container


def _invocations(backend: Any) -> tuple[int, float]:
    """Count every invocation the local triggers and gateway make from now on (containers included)."""
    from local.gateway import FunctionContainers

    if not getattr(FunctionContainers.invoke, "counted", False):
        original = FunctionContainers.invoke

        def counted(self: FunctionContainers, event: dict[str, Any]) -> Any:
            started = time.monotonic()
            try:
                return original(self, event)
            finally:
                _invoked[0] += 1
                _invoked[1] += time.monotonic() - started

        counted.counted = True  # type: ignore[attr-defined]
        FunctionContainers.invoke = counted  # type: ignore[method-assign]
    return int(_invoked[0]), float(_invoked[1])


def _cpu_seconds() -> tuple[float, dict[int, float]]:
    """CPU seconds used so far by this process (moto, the gateway, the triggers: one interpreter) and by
    each of its children (the functions' containers, localstripe)."""
    from local.soak import children

    own = os.times()
    spent = {}
    for child in children(os.getpid()):
        try:
            fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # exited meanwhile
        spent[child] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
    return own.user + own.system, spent


def _cpu_line(before: tuple[float, dict[int, float]], after: tuple[float, dict[int, float]], invoices: int) -> str:
    """Where the run's CPU went, per invoice, and the rate this machine allows at that cost: the backend's
    process runs one thread at a time (one core at most), the containers share what is left."""
    own = (after[0] - before[0]) * 1000 / max(invoices, 1)
    others = sum(spent - before[1].get(pid, 0.0) for pid, spent in after[1].items()) * 1000 / max(invoices, 1)
    cores = os.cpu_count() or 1
    one_core = 1000 / max(own, 1e-9)
    machine = cores * 1000 / max(own + others, 1e-9)
    return (
        f"           CPU per invoice: {own:.0f} ms in the emulators' process (moto answering every AWS request, "
        f"the gateway, the triggers: one thread at a time, at most {one_core:.1f} invoices/s) + {others:.0f} ms in "
        f"the functions' containers (together on {cores} cores: at most {machine:.1f} invoices/s)"
    )


def _memory_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _children_mb(pid: int) -> float:
    from local.soak import children

    return sum(_memory_mb(child) for child in children(pid) if Path(f"/proc/{child}/status").exists())
