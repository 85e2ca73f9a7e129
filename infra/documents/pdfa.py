"""PDF/A-3b (ISO 19005-3, level B) for a PDF that is about to be signed.

:func:`archival_writer` rewrites reportlab's output whole: reportlab ends a stream's data without the end-of-line
that PDF/A requires before ``endstream``. Then :func:`embed_associated` embeds each file as a PDF/A-3 associated
file (``/AFRelationship``, a MIME ``/Subtype``, ``/Params /ModDate``, listed in the catalog's ``/AF``) without
the ``/Version /2.0`` pyHanko declares for ``/AF`` (PDF/A-3 is PDF 1.7), and :func:`conform` writes the XMP
metadata (:mod:`.pdfa_xmp`: ``pdfaid`` part 3, conformance B, agreeing with the information dictionary) and
the sRGB output intent (:mod:`infra.documents.srgb_profile`). :func:`keep_metadata` keeps pyHanko from rewriting that
metadata when it writes the file, and signs it (an incremental update, which keeps it PDF/A).

Fonts are the page's business: :mod:`.fonts` has every font a page uses, embedded.
"""

from __future__ import annotations

import io
from datetime import datetime

from pyhanko.pdf_utils import embed, generic
from pyhanko.pdf_utils.metadata.model import VENDOR
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import BasePdfFileWriter, PdfFileWriter, copy_into_new_writer

from infra.documents.pdfa_xmp import xmp_packet
from infra.documents.srgb_profile import DESCRIPTION, srgb_profile

PRODUCER = f"kredensial; ReportLab; {VENDOR}"


def archival_writer(data: bytes) -> PdfFileWriter:
    """A new writer with every object of ``data`` (unsigned), to be written out again with PDF/A's stream syntax."""
    writer = copy_into_new_writer(PdfFileReader(io.BytesIO(data)))
    keep_metadata(writer)
    return writer


def keep_metadata(writer: BasePdfFileWriter) -> None:
    """Stop pyHanko rewriting the metadata when it writes: it would put the XMP in a form of its own (structures as
    nested descriptions, which PDFBox's XMP reader rejects), its name in ``/Producer`` and the time of writing in
    ``/ModDate``, apart from the XMP's."""
    setattr(writer, "_update_meta", lambda: None)  # noqa: B010 (replacing one instance's method, on purpose)


def embed_associated(
    writer: BasePdfFileWriter,
    *,
    file_name: str,
    data: bytes,
    mime_type: str,
    description: str,
    relationship: str,
    modified: datetime,
) -> None:
    """Embed ``data`` as an associated file of the document, ``relationship`` its ``/AFRelationship``."""
    params = embed.EmbeddedFileParams(modification_date=modified)
    embedded = embed.EmbeddedFileObject.from_file_data(writer, data, params=params, mime_type=mime_type)
    spec = embed.FileSpec(
        file_spec_string=file_name, file_name=file_name, embedded_data=embedded, description=description
    )
    embed.embed_file(writer, spec)  # without af_relationship, which would make the file PDF 2.0
    names = writer.root["/Names"]["/EmbeddedFiles"]["/Names"]
    reference = names.raw_get(len(names) - 1)  # the file specification embed_file just added
    reference.get_object()[generic.NameObject("/AFRelationship")] = generic.NameObject(relationship)
    if "/AF" not in writer.root:
        writer.root[generic.NameObject("/AF")] = writer.add_object(generic.ArrayObject())
    writer.root["/AF"].append(reference)


def conform(writer: BasePdfFileWriter, *, created: datetime) -> None:
    """The XMP metadata, agreeing with the information dictionary, and the sRGB output intent."""
    info = writer.trailer_view["/Info"]
    info.pop("/Trapped", None)  # reportlab's /False says nothing: one entry fewer to mirror
    if not str(info.get("/Keywords", "")):
        info.pop("/Keywords", None)  # reportlab writes an empty one
    info[generic.NameObject("/CreationDate")] = generic.pdf_date(created)
    info[generic.NameObject("/ModDate")] = generic.pdf_date(created)
    info[generic.NameObject("/Producer")] = generic.TextStringObject(PRODUCER)
    stream = generic.StreamObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/Metadata"),
            generic.NameObject("/Subtype"): generic.NameObject("/XML"),
        },
        stream_data=xmp_packet(info, created, created),
    )
    writer.root[generic.NameObject("/Metadata")] = writer.add_object(stream)
    writer.root[generic.NameObject("/OutputIntents")] = generic.ArrayObject([writer.add_object(_output_intent(writer))])


def _output_intent(writer: BasePdfFileWriter) -> generic.DictionaryObject:
    profile = generic.StreamObject({generic.NameObject("/N"): generic.NumberObject(3)}, stream_data=srgb_profile())
    profile.compress()
    name = generic.TextStringObject(DESCRIPTION)
    return generic.DictionaryObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/OutputIntent"),
            generic.NameObject("/S"): generic.NameObject("/GTS_PDFA1"),
            generic.NameObject("/OutputConditionIdentifier"): name,
            generic.NameObject("/Info"): name,
            generic.NameObject("/RegistryName"): generic.TextStringObject("http://www.color.org"),
            generic.NameObject("/DestOutputProfile"): writer.add_object(profile),
        }
    )
