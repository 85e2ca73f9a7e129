"""A local RFC 3161 time-stamp authority over HTTP on loopback, for the PAdES B-LTA tests (issue 33).

pyHanko's ``DummyTimeStamper`` answers the requests (it signs with RSA only), behind the standard library's HTTP
server: what the signer meets is a real TSA over HTTP. Its certificate, issued by a root of its own for 30 years,
declares a CRL distribution point this server also answers, as a public TSA's does, so that the signer fetches it
and embeds it. ``failing`` makes it answer 503, as a TSA that is down; ``crl_failing``, its CRL server down.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

YEARS = 30


@dataclass
class LocalTsa:
    url: str
    root: x509.Certificate
    failing: bool = field(default=False)
    crl_failing: bool = field(default=False)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _usage(*, sign: bool, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(sign, False, False, False, False, ca, ca, False, False)


@contextmanager
def local_tsa(*, embeds_root: bool = True) -> Iterator[LocalTsa]:
    """``embeds_root``: whether its answers carry its root certificate (RFC 3161 leaves it to the TSA)."""
    now = datetime.now(UTC) - timedelta(days=1)
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root = (
        x509.CertificateBuilder()
        .subject_name(_name("kredensial test TSA root"))
        .issuer_name(_name("kredensial test TSA root"))
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=365 * (YEARS + 5)))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(sign=False, ca=True), critical=True)
        .sign(root_key, hashes.SHA256())
    )
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    url = f"http://127.0.0.1:{server.server_port}"
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    distribution = x509.DistributionPoint([x509.UniformResourceIdentifier(f"{url}/root.crl")], None, None, None)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name("kredensial test TSA"))
        .issuer_name(root.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=365 * YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .add_extension(_usage(sign=True, ca=False), critical=True)
        .add_extension(x509.CRLDistributionPoints([distribution]), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    crl = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(root.subject)
        .last_update(now)
        .next_update(now + timedelta(days=365 * YEARS))
        .sign(root_key, hashes.SHA256())
        .public_bytes(Encoding.DER)
    )

    def asn1(c: x509.Certificate) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(c.public_bytes(Encoding.DER))

    private = asn1_keys.PrivateKeyInfo.load(key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption()))
    embedded = [asn1(root)] if embeds_root else []
    stamper = DummyTimeStamper(asn1(certificate), private, certs_to_embed=embedded)  # type: ignore[arg-type]
    tsa = LocalTsa(f"{url}/tsa", root)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if tsa.crl_failing:
                self._answer(503, "text/plain", b"down")
                return
            self._answer(200, "application/pkix-crl", crl)

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if tsa.failing:
                self._answer(503, "text/plain", b"down")
                return
            reply = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
            self._answer(200, "application/timestamp-reply", reply)

        def _answer(self, status: int, kind: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server.RequestHandlerClass = Handler
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield tsa
    finally:
        server.shutdown()
        server.server_close()
