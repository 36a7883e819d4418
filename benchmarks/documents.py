"""Invoice PDF: our reportlab renderer (warm) beside headless Chromium printing the same invoice as HTML."""

from __future__ import annotations

import shutil
import statistics
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from decimal import Decimal
from html import escape
from pathlib import Path

from billing.accounts.models import Account
from billing.accounts.profile import BillingProfile
from billing.documents.document import Document, invoice_document
from billing.documents.seller import LOCAL_SELLER
from billing.invoices.assemble_invoice import assemble_invoice
from billing.invoices.invoice_context import invoice_context
from billing.invoices.models import Invoice, InvoiceStatus
from billing.subscriptions.engine.create_subscription import NewItem, create_subscription
from billing.subscriptions.engine.renew_subscription import renew_subscription
from billing.subscriptions.engine.update_subscription import ItemUpdate, update_subscription
from billing.usage.models import UsageEvent, tags_of
from tests.builders import french_company
from tests.unit.engine.catalog import MINUTES, NUMBER, USER


def sample_document() -> Document:
    """The Aircall-like invoice of the scenario tests: three sections, VAT, transfer instructions."""
    at = lambda *parts: datetime(*parts, tzinfo=UTC)  # noqa: E731
    account = Account("acct_bench", BillingProfile.model_validate(french_company()), at(2026, 1, 1))
    items = [NewItem("u", USER, 3), NewItem("n", NUMBER, 2), NewItem("m", MINUTES)]
    subscription = create_subscription("sub_bench", account.id, items, now=at(2026, 3, 10, 9)).subscription
    subscription = update_subscription(subscription, [ItemUpdate("u", quantity=4)], at(2026, 3, 25, 9)).subscription
    events = [
        UsageEvent(
            f"e{n}",
            "sub_bench",
            "outbound_minutes",
            Decimal(1),
            at(2026, 3, 12, 10, n % 60),
            tags_of({"team": "support"}),
        )
        for n in range(120)
    ]
    renewed = renew_subscription(subscription, at(2026, 4, 10, 9), events)
    draft = assemble_invoice(
        invoice_context(account, None, at(2026, 4, 10, 9)),
        renewed.lines,
        renewed.billing_reason,
        at(2026, 4, 10, 9),
        "sub_bench",
        renewed.period,
    )
    invoice = Invoice(
        "in_bench",
        draft,
        InvoiceStatus.OPEN,
        "F-2026-000042",
        at(2026, 4, 10, 10),
        at(2026, 5, 10, 10),
        collection_method="send_invoice",
        days_until_due=30,
    )
    return invoice_document(invoice, account, LOCAL_SELLER)


def document_html(document: Document) -> str:
    """The same content as simple HTML, for the browser's turn."""
    rows = "".join(
        f"<tr class=section><td colspan=6>{escape(title)}</td></tr>"
        + "".join(
            f"<tr><td>{escape(r.description)}</td><td>{escape(r.period)}</td><td>{r.quantity}</td>"
            f"<td>{escape(r.unit_price)}</td><td>{r.vat_rate}</td><td>{escape(r.amount)}</td></tr>"
            for r in rows
        )
        for title, rows in document.sections
    )
    totals = "".join(
        f"<tr><td>{escape(label)}</td><td>{escape(amount)}</td></tr>" for label, amount, _ in document.totals
    )
    notes = "".join(f"<p>{escape(note)}</p>" for note in document.notes)
    return f"""<!doctype html><html><head><meta charset="utf-8"><style>
body{{font:9pt Helvetica,Arial,sans-serif;margin:16mm}} table{{width:100%;border-collapse:collapse}}
td{{padding:3px;vertical-align:top}} .section td{{background:#eef2f6;font-weight:bold}}</style></head><body>
<h1 style="text-align:right">{escape(document.title)} {escape(document.number)}</h1>
<p>{"<br>".join(map(escape, document.seller))}</p><p>{"<br>".join(map(escape, document.buyer))}</p>
<table>{rows}</table><table style="width:50%;margin-left:50%">{totals}</table>{notes}</body></html>"""


def reportlab_ms(runs: int = 30) -> float:
    from billing.adapters.pdf_reportlab import render_pdf

    document = sample_document()
    render_pdf(document)  # warm: fonts and modules loaded, as in a warm Lambda
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        render_pdf(document)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def warm_chromium_ms(runs: int = 20) -> float | None:
    """One Chromium kept open printing the same invoice's HTML through Page.printToPDF (portal/print_pdf.mjs,
    playwright-core): the median of ``runs`` prints; None without Chromium or the portal's packages."""
    import json
    import os

    binary = shutil.which("chromium")
    portal = Path(__file__).resolve().parent.parent / "portal"
    if binary is None or not (portal / "node_modules" / "playwright-core").is_dir():
        return None
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "invoice.html"
        page.write_text(document_html(sample_document()), encoding="utf-8")
        printed = subprocess.run(
            ["node", "print_pdf.mjs", str(page), str(runs)],
            cwd=portal,
            env=os.environ | {"CHROMIUM": binary},
            capture_output=True,
            text=True,
            check=True,
            timeout=300,
        )
    figures = json.loads(printed.stdout.strip().splitlines()[-1])
    return statistics.median(figures["print_ms"])


def chromium_ms(runs: int = 5) -> float | None:
    """One headless Chromium process per document (its CLI); None when Chromium is not installed."""
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "invoice.html"
        page.write_text(document_html(sample_document()), encoding="utf-8")
        timings = []
        for n in range(runs + 1):
            started = time.perf_counter()
            subprocess.run(
                [
                    binary,
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                    f"--user-data-dir={folder}/profile",
                    f"--print-to-pdf={folder}/out.pdf",
                    "--no-pdf-header-footer",
                    page.as_uri(),
                ],
                capture_output=True,
                check=True,
                timeout=120,
            )
            if n:  # the first run fills the profile: not counted
                timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)
