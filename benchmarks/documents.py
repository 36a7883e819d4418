"""Invoice PDF: our reportlab renderer (warm) beside headless Chromium printing the same invoice as HTML."""

from __future__ import annotations

import shutil
import statistics
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from html import escape
from pathlib import Path

from billing.accounts.models import Account
from billing.accounts.profile import BillingProfile
from billing.documents.document import Document, invoice_document
from billing.documents.local_seller import LOCAL_SELLER
from tests.builders import aircall_like_invoice, french_company


def sample_document() -> Document:
    """The Aircall-like invoice of the scenario tests: three sections, VAT, transfer instructions."""
    account = Account("acct_bench", BillingProfile.model_validate(french_company()), datetime(2026, 1, 1, tzinfo=UTC))
    return invoice_document(aircall_like_invoice(account), account, LOCAL_SELLER)


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


def alternated_rounds(rounds: int = 5) -> list[tuple[float, float | None]]:
    """(ours, warm Chromium) measured one after the other, ``rounds`` times: this machine's speed drifts by
    half within minutes (a render measured 6.4 ms, then 10.4 ms after a few seconds' pause), so the two are
    compared round by round rather than each measured once at different moments."""
    return [(reportlab_ms(), warm_chromium_ms()) for _ in range(rounds)]


def factur_x_ms(runs: int = 30) -> tuple[float, float]:
    """The same invoice as a Factur-X, warm: (publishing it: PDF laid out, EN 16931 terms, CII written and
    checked against the XSD, PDF/A-3 carrier; and the offline EN 16931 + French schematrons, as the tests run
    them, which publishing does not)."""
    from billing.adapters.facturx_documents import cii_xml, factur_x_pdf
    from billing.adapters.pdf_reportlab import render_pdf
    from billing.documents.einvoice_terms import invoice_terms
    from local.einvoice_rules import schematron_failures

    account = Account("acct_bench", BillingProfile.model_validate(french_company()), datetime(2026, 1, 1, tzinfo=UTC))
    invoice = aircall_like_invoice(account)
    document = invoice_document(invoice, account, LOCAL_SELLER)
    assert invoice.finalized_at is not None

    def publish() -> bytes:
        xml = cii_xml(invoice_terms(invoice, account, LOCAL_SELLER))
        assert invoice.finalized_at is not None  # the scenarios' invoice is finalized
        factur_x_pdf(render_pdf(document), xml, invoice.finalized_at, document.title, LOCAL_SELLER.legal_name)
        return xml

    xml = publish()
    assert schematron_failures(xml) == []  # warm: the stylesheets compiled once, as in a test session
    published, checked = [], []
    for _ in range(runs):
        started = time.perf_counter()
        xml = publish()
        published.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        schematron_failures(xml)
        checked.append((time.perf_counter() - started) * 1000)
    return statistics.median(published), statistics.median(checked)


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
