"""The XMP metadata packet of a PDF/A-3b file (:mod:`infra.documents.pdfa`), made from its information dictionary.

Each standard entry has its XMP twin (ISO 19005-3 asks that the two agree): ``/Title`` dc:title, ``/Author``
dc:creator, ``/Subject`` dc:description, ``/Creator`` xmp:CreatorTool, ``/Producer`` pdf:Producer,
``/CreationDate`` xmp:CreateDate, ``/ModDate`` xmp:ModifyDate. Any other entry (ours: ``/SIVILStatement``,
``/SIVILServer``) becomes a text property of :data:`NAMESPACE`, declared in a PDF/A extension schema. Structures
are written as ``rdf:parseType="Resource"``, and the extension schema and our properties each in an
``rdf:Description`` of their own: the plainest form, which every XMP reader takes (PDFBox's among them).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from xml.sax.saxutils import escape, quoteattr

PART, CONFORMANCE = "3", "B"
# Our custom information entries, under a private name (not an address).
NAMESPACE, PREFIX = "urn:kredensial:pdf:1.0#", "kredensial"
NAMESPACES = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "pdfaExtension": "http://www.aiim.org/pdfa/ns/extension/",
    "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
    "pdfaProperty": "http://www.aiim.org/pdfa/ns/property#",
    PREFIX: NAMESPACE,
}
_TEXT = {"/Creator": "xmp:CreatorTool", "/Producer": "pdf:Producer"}
_LANGUAGE_ALTERNATIVES = {"/Title": "dc:title", "/Subject": "dc:description"}
STANDARD_KEYS = frozenset({*_TEXT, *_LANGUAGE_ALTERNATIVES, "/Author", "/CreationDate", "/ModDate"})


def _element(name: str, text: str) -> str:
    return f"<{name}>{escape(text)}</{name}>"


def _array(name: str, kind: str, item: str, lang: str | None = None) -> str:
    li = f"<rdf:li xml:lang={quoteattr(lang)}>{escape(item)}</rdf:li>" if lang else _element("rdf:li", item)
    return f"<{name}><rdf:{kind}>{li}</rdf:{kind}></{name}>"


def _description(prefixes: list[str], body: list[str]) -> str:
    declared = "".join(f" xmlns:{prefix}={quoteattr(NAMESPACES[prefix])}" for prefix in prefixes)
    return f'<rdf:Description rdf:about=""{declared}>' + "".join(body) + "</rdf:Description>"


def xmp_packet(info: Mapping[str, object], created: datetime, modified: datetime) -> bytes:
    """The packet for the information dictionary ``info`` (keys as ``/Title``), its dates given as datetimes."""
    main = [_element("pdfaid:part", PART), _element("pdfaid:conformance", CONFORMANCE)]
    main += [
        _array(name, "Alt", str(info[key]), "x-default") for key, name in _LANGUAGE_ALTERNATIVES.items() if key in info
    ]
    if "/Author" in info:
        main.append(_array("dc:creator", "Seq", str(info["/Author"])))
    main += [_element(name, str(info[key])) for key, name in _TEXT.items() if key in info]
    main += [_element("xmp:CreateDate", _date(created)), _element("xmp:ModifyDate", _date(modified))]
    descriptions = [_description(["pdfaid", "dc", "xmp", "pdf"], main)]
    custom = sorted(key[1:] for key in info if key not in STANDARD_KEYS)
    if custom:
        descriptions.append(_description(["pdfaExtension", "pdfaSchema", "pdfaProperty"], [_extension_schema(custom)]))
        descriptions.append(
            _description([PREFIX], [_element(f"{PREFIX}:{key}", str(info[f"/{key}"])) for key in custom])
        )
    rdf = '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' + "".join(descriptions) + "</rdf:RDF>"
    # a read-only packet ("r"), without padding: the file is signed, nobody edits it in place
    packet = '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    packet += f'<x:xmpmeta xmlns:x="adobe:ns:meta/">{rdf}</x:xmpmeta><?xpacket end="r"?>'
    return packet.encode("utf-8")


def _extension_schema(keys: list[str]) -> str:
    declared = "".join(
        '<rdf:li rdf:parseType="Resource">'
        + _element("pdfaProperty:name", key)
        + _element("pdfaProperty:valueType", "Text")
        + _element("pdfaProperty:category", "external")
        + _element("pdfaProperty:description", f"The document information entry /{key}")
        + "</rdf:li>"
        for key in keys
    )
    schema = (
        _element("pdfaSchema:schema", "kredensial document information")
        + _element("pdfaSchema:namespaceURI", NAMESPACE)
        + _element("pdfaSchema:prefix", PREFIX)
        + f"<pdfaSchema:property><rdf:Seq>{declared}</rdf:Seq></pdfaSchema:property>"
    )
    schemas = f'<rdf:Bag><rdf:li rdf:parseType="Resource">{schema}</rdf:li></rdf:Bag>'
    return f"<pdfaExtension:schemas>{schemas}</pdfaExtension:schemas>"


def _date(moment: datetime) -> str:
    """XMP's date, to the second as the information dictionary's ``D:`` dates are."""
    return moment.replace(microsecond=0).isoformat()
