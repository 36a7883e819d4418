"""The engine and document benchmarks run on the current ports: `make bench` is not part of `make test`, and a port that
grew a method once stopped it half-way (the usage lease). Tiny counts: this checks they run, not their speed."""

from benchmarks.engine import ingestion_throughput, rating_breakdown, rating_floor, rating_throughput


def test_the_rating_benchmarks_rate_subscriptions():
    per_second, count = rating_throughput(count=20, rounds=1)
    assert count == 20
    assert per_second > 0
    renewing, assembling, calls, hottest, share = rating_breakdown(count=20)
    assert renewing > 0
    assert assembling > 0
    assert calls > 50
    assert hottest
    assert 0 < share <= 1
    building, reading = rating_floor(count=20, rounds=1)
    assert building > 0
    assert reading > 0


def test_the_ingestion_benchmark_ingests_through_the_current_usage_port():
    assert ingestion_throughput(batches=1) > 0


def test_the_document_benchmark_publishes_a_valid_factur_x():
    from benchmarks.documents import factur_x_ms

    published, checked = factur_x_ms(runs=1)  # it asserts the XML keeps every rule first
    assert published > 0
    assert checked > 0


def test_the_billing_run_memory_line_tells_flat_from_growing():
    from benchmarks.billing_runs import _memory_line

    held = {"s3": 0, "mailbox": 0}
    after_first = {"s3": 100 * 90 * 1024, "mailbox": 100 * 110 * 1024}
    flat = [(0, 300.0, held), (100, 330.0, after_first), (400, 390.0, after_first)]  # 307 KB, then 154 KB
    assert _memory_line(flat).endswith(": ok")
    assert "+307 KB an invoice over 100 (S3 90 KB, mailbox 110 KB)" in _memory_line(flat)
    growing = [(0, 300.0, held), (100, 310.0, held), (400, 400.0, held)]  # 102 KB, then 230 KB an invoice
    assert _memory_line(growing).endswith(": GROWS")
