"""Factur-X through the ``factur-x`` package: EN 16931 terms written as CII XML and checked against the
official XSD. Only the documents function (and the API's XML download) import it: lxml stays out of the
other cold starts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from facturx import generate_cii_xml

PROFILE = "en16931"


def cii_xml(terms: dict[str, Any]) -> bytes:
    """The CII XML of ``terms`` (``billing.documents.einvoice_terms``); raises if the XSD refuses it."""
    # The package fills its defaults into the dict it is given: a copy keeps the caller's terms as they were.
    return bytes(generate_cii_xml(_as_text(terms), level=PROFILE, check_xsd=True, check_schematron=False))


def _as_text(value: Any) -> Any:
    """A copy with every Decimal written as the package reads numbers (plain decimal text, no exponent)."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict):
        return {key: _as_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_text(item) for item in value]
    return value
