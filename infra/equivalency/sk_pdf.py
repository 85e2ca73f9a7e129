"""The SK of foreign diploma equivalency as a signed PDF (EQV-4), and the verification of SKs made before issue 33.

The page shows the SK bilingually: its number and date, the applicant, the foreign diploma, the level it is
equivalent to, the SK a review replaced (EQV-8), and the office that signs (KREDENSIAL_SK_SIGNATORY; **decided**: an
office, not a person's name, since the PDF is rendered again at each download and must say the same after the
office changes hands; who decided is on the decision, EQV-8). No internal rule id is printed. The document
information dictionary carries the SK's fields (``/EQVSKNumber``, ``/EQVRegistration``, ``/EQVLevel``) beside
what every document carries (:mod:`infra.documents.sealing`); ``kredensial verify-pdf`` checks a new SK as every
document (:mod:`infra.documents.verify`), and one made before (no credential; or signed by an Ed25519 SIVIL key)
with :func:`verify_sk_pdf`.
"""

from __future__ import annotations

import io
import json
import re
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography import x509
from pypdf import PdfReader
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from infra.documents.checks import Check, HttpGet, Verdict
from infra.documents.file_signature import file_signature
from infra.documents.key_ring import KeyRing
from infra.documents.page import compose, fields, text
from infra.documents.published import urllib_get
from infra.documents.qr import verification_link
from infra.documents.sealing import seal
from infra.documents.signing import DocumentSigner
from projections.equivalency.rows import ApplicationRow
from projections.equivalency.view import EquivalencyView

SK_KEY, REGISTRATION_KEY, LEVEL_KEY = "/EQVSKNumber", "/EQVRegistration", "/EQVLevel"
KIND = "SK"
TITLE = (
    "SURAT KEPUTUSAN PENYETARAAN IJAZAH LUAR NEGERI",
    "DECREE OF EQUIVALENCY OF A FOREIGN DIPLOMA",
)


@dataclass(frozen=True)
class SkFields:
    sk_number: str
    registration_number: str
    applicant_name: str
    university: str
    programme: str
    country: str
    foreign_level: str
    level: str
    issued_on: str
    signatory: str  # the office that signs (KREDENSIAL_SK_SIGNATORY)
    replaces: tuple[str, str] | None = None  # the SK a review (PK, EQV-8) replaced: its number and date


def render_sk_pdf(
    sk: SkFields,
    signer: DocumentSigner,
    printed_at: datetime,
    *,
    server: str,
    credential: Mapping[str, Any] | None = None,
) -> bytes:
    """The SK (EQV-4), PDF/A-3b with its credential and QR (:mod:`infra.documents.sealing`); the SK's numbers stay in
    the information dictionary, where a verifier of an SK made before credentials looks for them."""
    rows = [
        ("Nomor SK / Decree number", sk.sk_number),
        ("Tanggal / Date", sk.issued_on),
        ("Nomor registrasi / Registration number", sk.registration_number),
        ("Nama / Name", sk.applicant_name),
        ("Perguruan tinggi / University", f"{sk.university} ({sk.country})"),
        ("Program / Programme", f"{sk.programme} ({sk.foreign_level})"),
        ("Setara dengan / Equivalent to", sk.level),
    ]
    if sk.replaces:
        number, on = sk.replaces
        rows.append(("Menggantikan / Replaces", f"SK {number} ({on}), setelah peninjauan kembali / after a review"))
    statement = (
        f"Ijazah tersebut setara dengan jenjang {sk.level} di Indonesia. / The diploma named is equivalent to the "
        f"Indonesian level {sk.level}."
    )
    page = compose(
        TITLE,
        [fields(rows), Spacer(0, 4 * mm), text(statement)],
        author="Direktorat Jenderal Pendidikan Tinggi",
        subject=f"SK {sk.sk_number}",
        server=server,
        link=verification_link(credential, server),
        signed_by=[f"a.n. {sk.signatory}", "Ditandatangani secara elektronik / Signed electronically"],
    )
    info = {SK_KEY: sk.sk_number, REGISTRATION_KEY: sk.registration_number, LEVEL_KEY: sk.level}
    reason = "SK Penyetaraan Ijazah Luar Negeri / Foreign diploma equivalency"
    return seal(
        page,
        kind=KIND,
        server=server,
        signer=signer,
        reason=reason,
        created=printed_at,
        credential=credential,
        info=info,
    )


def sk_fields(view: EquivalencyView, row: ApplicationRow, signatory: str) -> SkFields | None:
    """The application's SK in force, with the SK a review replaced, or None while it has none."""
    if not (row.sk_number and row.equal_level and row.decided_on):
        return None
    earlier = (view.decision(row.registration_number, n) for n in range(row.decisions - 1, 0, -1))
    replaced = next((d for d in earlier if d is not None and d.sk_number and d.sk_number != row.sk_number), None)
    return SkFields(
        sk_number=row.sk_number,
        registration_number=row.registration_number,
        applicant_name=row.applicant_name,
        university=row.university,
        programme=row.programme,
        country=row.country,
        foreign_level=row.level,
        level=row.equal_level,
        issued_on=row.decided_on,
        signatory=signatory,
        replaces=(replaced.sk_number, replaced.decided_on) if replaced is not None and replaced.sk_number else None,
    )


def sk_document(
    view: EquivalencyView,
    signer: DocumentSigner,
    clock: Callable[[], datetime],
    server: str,
    signatory: str,
    credential: Callable[[ApplicationRow], dict[str, Any] | None],
    number: str,
) -> bytes | None:
    """The signed SK of equivalency (EQV-4), or None while the application has none."""
    row = view.application(number)
    sk = sk_fields(view, row, signatory) if row is not None else None
    if row is None or sk is None:
        return None
    return render_sk_pdf(sk, signer, clock(), server=server, credential=credential(row))


def is_sk_pdf(data: bytes) -> bool:
    try:
        return SK_KEY in dict(PdfReader(io.BytesIO(data)).metadata or {})
    except Exception:  # a damaged file is not one of ours
        return False


def verify_sk_pdf(
    data: bytes,
    keys: KeyRing,
    *,
    roots: Sequence[x509.Certificate] = (),
    base_url: str | None = None,
    http_get: HttpGet | None = None,
) -> tuple[Verdict, list[str]]:
    """The signature over the whole file (chained to the kredensial root ``roots``, or in an old SK by a published
    SIVIL key) and the page showing the signed fields; with ``base_url``, whether the SK is still the application's
    (a PK may have replaced it)."""
    signature, _ = file_signature(data, keys, roots)
    checks = [signature]
    try:
        reader = PdfReader(io.BytesIO(data))
        fields = {k: str(v) for k, v in dict(reader.metadata or {}).items()}
        page = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    except Exception as error:
        fields, page = {}, ""
        checks.append(Check("page", "failed", f"unreadable ({error})"))
    wanted = [fields.get(k, "") for k in (SK_KEY, REGISTRATION_KEY, LEVEL_KEY)]
    flat = re.sub(r"\s+", "", page)
    if all(wanted) and all(re.sub(r"\s+", "", w) in flat for w in wanted):
        checks.append(Check("page", "ok", f"shows SK {wanted[0]}, registration {wanted[1]}, equivalent to {wanted[2]}"))
    elif all(wanted):
        checks.append(Check("page", "failed", "the page does not show the signed SK fields"))
    authentic = all(c.outcome == "ok" for c in checks)
    current = None
    if authentic and base_url:
        current = _current(base_url, wanted[1], wanted[0], http_get or urllib_get)
        checks.append(current)
    lines = [f"{c.outcome.upper():<12} {c.name}: {c.detail}" for c in checks]
    signed = (
        f"SK {wanted[0]} for registration {wanted[1]} (equivalent to {wanted[2]}) is unchanged and signed by kredensial"
    )
    if not authentic:
        lines.append("NOT VERIFIED: " + ", ".join(c.name for c in checks if c.outcome != "ok") + " failed")
        return Verdict.NOT_VERIFIED, lines
    if current is None or current.outcome == "not checked":
        lines.append(
            f"AUTHENTIC, STATUS NOT CHECKED: {signed}; whether a formal review (PK) replaced it was not checked"
        )
        return Verdict.STATUS_UNKNOWN, lines
    if current.outcome == "ok":
        lines.append(f"VERIFIED: {signed}, and {base_url} confirms it is the application's SK")
        return Verdict.VERIFIED, lines
    lines.append(f"REPLACED: {signed}, but {current.detail}: it is NOT the SK in force")
    return Verdict.ANNULLED, lines


def _current(base_url: str, registration: str, sk: str, http_get: HttpGet) -> Check:
    root = base_url.rstrip("/")
    query = urllib.parse.urlencode({"registration": registration, "sk": sk})
    try:
        status, body = http_get(f"{root}/equivalency/sk-status?{query}")
        answer = json.loads(body)
    except (OSError, ValueError, RecursionError) as error:
        return Check("current status", "not checked", f"could not check online: {error}")
    said = answer.get("status") if isinstance(answer, dict) else None
    if status == 200 and said == "CURRENT":
        return Check("current status", "ok", f"still the SK in force, says {root}")
    if status == 200 and said == "SUPERSEDED":
        return Check("current status", "failed", f"{root} says a formal review (PK) replaced it")
    if status == 404:
        return Check("current status", "failed", f"{root} does not know this SK")
    return Check("current status", "not checked", f"{root} answered HTTP {status}")
