"""Signed conformance statements (Ed25519): trust a vendor's self-test without redoing it.

A statement is canonical JSON (sorted keys, no insignificant whitespace, UTF-8, one final newline):
tool version, profile name/version/digest, the SHA-256 of every spec the result covers (recomputed
from disk, and required to match the hashes in the result), the digest of the result, the verdict
and the time. The signature covers the canonical bytes of everything but ``signature``. ``verify``
also insists the file *is* the canonical form, so any byte changed anywhere fails, not only bytes
that survive re-serialisation.

Keys are PEM files (PKCS#8 private, SubjectPublicKeyInfo public) or the same PEM text in an
environment variable; never command-line values, which leak into shell history and ``ps``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from . import __version__
from .errors import UsageError
from .model import RunResult
from .reporters import json as json_report
from .reporters.verdict import verdict

STATEMENT_TYPE = "conformance-statement"
STATEMENT_VERSION = "1"
PRIVATE_NAME, PUBLIC_NAME = "conformance-ed25519.key", "conformance-ed25519.pub"


def canonical(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def result_digest(result: RunResult) -> str:
    """Digest of the result's content (its JSON contract in canonical form), not of file bytes,
    so pretty-printing a saved result does not change it."""
    return "sha256:" + hashlib.sha256(canonical(json_report.to_dict(result))).hexdigest()


def file_sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "ed25519:" + hashlib.sha256(raw).hexdigest()[:32]


# ---------------------------------------------------------------------------------------------
# Keys


def _pem(*, file: str | None, env: str | None, what: str) -> bytes:
    if (file is None) == (env is None):
        raise UsageError(f"give the {what} with exactly one of a file or an environment variable")
    if env is not None:
        value = os.environ.get(env)
        if not value:
            raise UsageError(f"environment variable {env} is not set or empty ({what} expected)")
        return value.encode("utf-8")
    assert file is not None
    try:
        with open(file, "rb") as fh:
            return fh.read(64 * 1024)
    except OSError as exc:
        raise UsageError(f"cannot read {what}: {exc.strerror}", file=file) from None


def load_private_key(*, file: str | None = None, env: str | None = None) -> Ed25519PrivateKey:
    data = _pem(file=file, env=env, what="private key")
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise UsageError(f"not an unencrypted PEM private key: {exc}", file=file or f"${env}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise UsageError("private key is not Ed25519", file=file or f"${env}")
    return key


def load_public_key(*, file: str | None = None, env: str | None = None) -> Ed25519PublicKey:
    data = _pem(file=file, env=env, what="public key")
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError) as exc:
        raise UsageError(f"not a PEM public key: {exc}", file=file or f"${env}") from None
    if not isinstance(key, Ed25519PublicKey):
        raise UsageError("public key is not Ed25519", file=file or f"${env}")
    return key


def keygen(folder: str) -> tuple[str, str]:
    """Write a new keypair into ``folder``; the private key is created 0600 (never world-readable,
    not even briefly) and existing keys are never overwritten."""
    os.makedirs(folder, exist_ok=True)
    priv_path, pub_path = os.path.join(folder, PRIVATE_NAME), os.path.join(folder, PUBLIC_NAME)
    for path in (priv_path, pub_path):
        if os.path.exists(path):
            raise UsageError("key file already exists; refusing to overwrite it", file=path)
    key = Ed25519PrivateKey.generate()
    priv = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())
    pub = key.public_key().public_bytes(serialization.Encoding.PEM,
                                        serialization.PublicFormat.SubjectPublicKeyInfo)
    fd = os.open(priv_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(priv)
    os.chmod(priv_path, 0o600)  # in case the umask widened nothing but a filesystem ignored the mode
    with open(pub_path, "xb") as fh:
        fh.write(pub)
    return priv_path, pub_path


# ---------------------------------------------------------------------------------------------
# Statements


def _spec_path(path: str, root: str) -> str:
    return path if os.path.isabs(path) else os.path.join(root, path)


def spec_hashes(result: RunResult, *, root: str = ".") -> list[dict[str, str]]:
    """Every spec subject of the result, hashed from disk; refuses if a spec changed since the run."""
    out = []
    for s in sorted(result.subjects, key=lambda s: s.id):
        if s.kind != "spec":
            continue
        path = s.path or s.id
        try:
            digest = file_sha256(_spec_path(path, root))
        except OSError as exc:
            raise UsageError(f"cannot read spec {path}: {exc.strerror}",
                             file=_spec_path(path, root)) from None
        if s.sha256 and s.sha256 != digest:
            raise UsageError(f"spec {path} changed since the result was produced (sha256 {digest[:12]}… "
                             f"on disk, {s.sha256[:12]}… in the result)", file=_spec_path(path, root))
        out.append({"path": path, "sha256": digest})
    return out


def build_statement(result: RunResult, *, issued_at: str, root: str = ".") -> dict[str, Any]:
    ready, blockers = verdict(result)
    summary = result.summary()
    return {
        "type": STATEMENT_TYPE,
        "statement_version": STATEMENT_VERSION,
        "tool": {"name": "conformance", "version": result.tool_version, "attested_with": __version__},
        "profile": {"name": result.profile.name, "version": result.profile.version,
                    "digest": result.profile.digest},
        "result": {"digest": result_digest(result), "generated_at": result.generated_at},
        "specs": spec_hashes(result, root=root),
        "verdict": {"ready": ready, "blockers": len(blockers),
                    "findings_by_severity": summary["findings_by_severity"],
                    "by_status": summary["by_status"]},
        "issued_at": issued_at,
    }


def sign(statement: dict[str, Any], key: Ed25519PrivateKey) -> str:
    """The signed statement as file text: canonical JSON and a newline."""
    body = {k: v for k, v in statement.items() if k != "signature"}
    sig = key.sign(canonical(body))
    body["signature"] = {"algorithm": "ed25519", "key_id": key_id(key.public_key()),
                         "value": base64.b64encode(sig).decode("ascii")}
    return canonical(body).decode("utf-8") + "\n"


def attest(result: RunResult, key: Ed25519PrivateKey, *, clock: Callable[[], Any], root: str = ".") -> str:
    from .api import timestamp

    return sign(build_statement(result, issued_at=timestamp(clock), root=root), key)


@dataclass(frozen=True, slots=True)
class Verification:
    ok: bool
    problems: tuple[str, ...]
    statement: dict[str, Any]


def verify(raw: bytes, public: Ed25519PublicKey, *, specs_root: str | None = None) -> Verification:
    """Signature, canonical form, then (with ``specs_root``) the specs on disk. Problems are one-line
    reasons; spec files are only read once the signature holds (their paths are signed data)."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        return Verification(False, (f"statement is not JSON: {exc}",), {})
    if not isinstance(data, dict) or data.get("type") != STATEMENT_TYPE:
        return Verification(False, ("not a conformance statement",), {})
    sig = data.get("signature")
    problems: list[str] = []
    if not (isinstance(sig, dict) and sig.get("algorithm") == "ed25519"
            and isinstance(sig.get("value"), str)):
        return Verification(False, ("statement carries no Ed25519 signature",), data)
    if raw != canonical(data) + b"\n":
        problems.append("statement is not in canonical form: it was edited after signing")
    if sig.get("key_id") != key_id(public):
        problems.append(f"signed by key {sig.get('key_id')}, not by the given public key {key_id(public)}")
    body = {k: v for k, v in data.items() if k != "signature"}
    try:
        public.verify(base64.b64decode(sig["value"], validate=True), canonical(body))
    except (InvalidSignature, ValueError):
        problems.append("signature does not match the statement")
    if problems:
        return Verification(False, tuple(problems), data)
    if specs_root is not None:
        for spec in data.get("specs", []):
            path = _spec_path(spec["path"], specs_root)
            try:
                digest = file_sha256(path)
            except OSError as exc:
                problems.append(f"spec {spec['path']}: cannot read {path}: {exc.strerror}")
                continue
            if digest != spec["sha256"]:
                problems.append(f"spec {spec['path']} changed since the statement was signed "
                                f"(sha256 {digest[:12]}… on disk, {spec['sha256'][:12]}… signed)")
    return Verification(not problems, tuple(problems), data)
