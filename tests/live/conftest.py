"""Fixtures for live tests: certificates made on the fly, TLS contexts, and a run helper."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import ssl
from collections.abc import Iterator
from typing import Any

import pytest

SPEC = os.path.join(os.path.dirname(__file__), "..", "..", "specs", "provincial-one-stop", "openapi.yaml")
TOKEN_ENV = "CONFORMANCE_TEST_TOKEN"


def _key() -> Any:
    from cryptography.hazmat.primitives.asymmetric import ec

    return ec.generate_private_key(ec.SECP256R1())


def _cert(subject_key: Any, issuer_key: Any, issuer_name: Any, name: str, *, ca: bool, days: tuple[int, int]) -> Any:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.timezone.utc)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer_name or subject)
               .public_key(subject_key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now + dt.timedelta(days=days[0])).not_valid_after(now + dt.timedelta(days=days[1]))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if not ca:
        builder = builder.add_extension(x509.SubjectAlternativeName(
            [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


class Certs:
    """A test CA, and server certificates for 127.0.0.1: CA-signed valid, expired, and self-signed."""

    def __init__(self, folder: str) -> None:
        from cryptography.hazmat.primitives import serialization as ser

        self.folder = folder
        ca_key = _key()
        ca = _cert(ca_key, ca_key, None, "conformance test CA", ca=True, days=(-1, 30))
        self.ca_file = self._write("ca.pem", ca.public_bytes(ser.Encoding.PEM))
        self.pairs: dict[str, tuple[str, str]] = {}
        for label, issuer, issuer_key, days in (("valid", ca, ca_key, (-1, 200)), ("expired", ca, ca_key, (-30, -1)),
                                                ("self_signed", None, None, (-1, 200))):
            key = _key()
            cert = _cert(key, issuer_key or key, issuer.subject if issuer else None, "127.0.0.1", ca=False, days=days)
            pem = key.private_bytes(ser.Encoding.PEM, ser.PrivateFormat.PKCS8, ser.NoEncryption())
            self.pairs[label] = (self._write(f"{label}.crt", cert.public_bytes(ser.Encoding.PEM)),
                                 self._write(f"{label}.key", pem))

    def _write(self, name: str, data: bytes) -> str:
        path = os.path.join(self.folder, name)
        with open(path, "wb") as fh:
            fh.write(data)
        return path

    def context(self, kind: str) -> ssl.SSLContext:
        """valid | expired | self_signed | legacy (valid cert, TLS 1.0 allowed) | valid_h2 (selects h2)."""
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        label = kind if kind in self.pairs else "valid"
        ctx.load_cert_chain(*self.pairs[label])
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        if kind == "legacy":
            ctx.minimum_version = ssl.TLSVersion.TLSv1
            ctx.set_ciphers("ALL:@SECLEVEL=0")
        if kind == "valid_h2":
            ctx.set_alpn_protocols(["h2", "http/1.1"])
        return ctx


@pytest.fixture(scope="session")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certs:
    pytest.importorskip("cryptography")
    return Certs(str(tmp_path_factory.mktemp("certs")))


@pytest.fixture()
def token_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    token = "tok-" + os.urandom(12).hex()
    monkeypatch.setenv(TOKEN_ENV, token)
    yield token
