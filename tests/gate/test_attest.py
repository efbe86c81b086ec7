from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import stat

import pytest

from conformance.api import lint
from conformance.attest import (
    attest,
    canonical,
    keygen,
    load_private_key,
    load_public_key,
    result_digest,
    verify,
)
from conformance.cli import main
from conformance.errors import UsageError
from conformance.reporters import json as json_report
from conformance.reporters.verdict import verdict

from .conftest import EXAMPLE_SPECS

FIXED = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def linted(tmp_path_factory):
    """One real lint run over the example specs (paths relative: valid in any copy)."""
    base = tmp_path_factory.mktemp("lint")
    shutil.copytree(EXAMPLE_SPECS, base / "specs")
    cwd = os.getcwd()
    os.chdir(base)
    try:
        return lint(["specs"], clock=lambda: FIXED).result
    finally:
        os.chdir(cwd)


@pytest.fixture
def signed(linted, tmp_path, monkeypatch):
    """A statement over a private copy of the specs, with a fresh keypair; cwd is that copy."""
    shutil.copytree(EXAMPLE_SPECS, tmp_path / "specs")
    monkeypatch.chdir(tmp_path)
    res = linted
    (tmp_path / "r.json").write_text(json_report.dumps(res), encoding="utf-8")
    priv, pub = keygen(str(tmp_path / "keys"))
    text = attest(res, load_private_key(file=priv), clock=lambda: FIXED)
    (tmp_path / "st.json").write_text(text, encoding="utf-8", newline="\n")
    return res, text.encode("utf-8"), load_public_key(file=pub), priv, pub


def test_statement_contents(signed, tmp_path) -> None:
    res, raw, public, _, _ = signed
    st = json.loads(raw)
    assert raw == canonical(st) + b"\n"
    assert st["profile"] == {
        "name": res.profile.name,
        "version": res.profile.version,
        "digest": res.profile.digest,
    }
    assert st["result"]["digest"] == result_digest(res)
    assert st["verdict"]["ready"] is verdict(res)[0]
    assert st["issued_at"] == "2026-01-01T00:00:00Z"
    specs = {s["path"]: s["sha256"] for s in st["specs"]}
    assert sorted(specs) == sorted(s.path for s in res.subjects)
    for path, digest in specs.items():
        assert hashlib.sha256((tmp_path / path).read_bytes()).hexdigest() == digest
    assert verify(raw, public, specs_root=str(tmp_path)).ok


def test_any_byte_change_in_statement_fails(signed) -> None:
    _, raw, public, _, _ = signed
    for i in range(len(raw)):
        for new in {raw[i] ^ 0x01, ord(" ")} - {raw[i]}:
            tampered = raw[:i] + bytes([new]) + raw[i + 1 :]
            assert not verify(tampered, public).ok, f"byte {i} changed and still verified"
    assert not verify(raw[:-1], public).ok
    assert not verify(raw + b"\n", public).ok


def test_semantic_edit_re_serialised_canonically_fails(signed) -> None:
    _, raw, public, _, _ = signed
    st = json.loads(raw)
    st["verdict"]["ready"] = not st["verdict"]["ready"]
    v = verify(canonical(st) + b"\n", public)
    assert not v.ok and v.problems == ("signature does not match the statement",)


@pytest.mark.parametrize("change", ["flip", "append", "delete"])
def test_tampered_spec_fails(signed, tmp_path, change: str) -> None:
    _, raw, public, _, _ = signed
    path = tmp_path / json.loads(raw)["specs"][1]["path"]
    data = path.read_bytes()
    if change == "flip":
        path.write_bytes(data[:100] + bytes([data[100] ^ 0x20]) + data[101:])
    elif change == "append":
        path.write_bytes(data + b"\n")
    else:
        path.unlink()
    v = verify(raw, public, specs_root=str(tmp_path))
    assert not v.ok and len(v.problems) == 1 and str(path.relative_to(tmp_path)) in v.problems[0]
    assert verify(raw, public, specs_root=None).ok  # the signature itself still holds


def test_other_key_fails(signed, tmp_path) -> None:
    _, raw, _, _, _ = signed
    _, other = keygen(str(tmp_path / "other"))
    v = verify(raw, load_public_key(file=other))
    assert not v.ok and any("not by the given public key" in p for p in v.problems)


def test_attest_refuses_spec_changed_since_the_run(signed, tmp_path) -> None:
    res, _, _, priv, _ = signed
    (tmp_path / res.subjects[0].path).write_text("openapi: 3.0.3\n", encoding="utf-8")
    with pytest.raises(UsageError, match="changed since the result was produced"):
        attest(res, load_private_key(file=priv), clock=lambda: FIXED)


def test_keygen_private_key_is_0600_and_never_overwritten(tmp_path) -> None:
    priv, pub = keygen(str(tmp_path / "k"))
    assert stat.S_IMODE(os.stat(priv).st_mode) == 0o600
    with pytest.raises(UsageError, match="already exists"):
        keygen(str(tmp_path / "k"))


def test_cli_attest_verify_with_files_and_env(signed, tmp_path, monkeypatch, capsys) -> None:
    _, _, _, priv, pub = signed
    out = tmp_path / "st2.json"
    assert (
        main(["attest", "r.json", "--key", priv, "-o", str(out), "--timestamp", "2026-01-01T00:00:00Z"]) == 0
    )
    assert out.read_bytes() == (tmp_path / "st.json").read_bytes()  # Ed25519 is deterministic
    monkeypatch.setenv("CONF_KEY", open(priv, encoding="ascii").read())
    monkeypatch.setenv("CONF_PUB", open(pub, encoding="ascii").read())
    assert (
        main(
            [
                "attest",
                "r.json",
                "--key-env",
                "CONF_KEY",
                "-o",
                str(out),
                "--timestamp",
                "2026-01-01T00:00:00Z",
            ]
        )
        == 0
    )
    assert main(["verify", str(out), "--pubkey-env", "CONF_PUB"]) == 0
    assert capsys.readouterr().out.startswith("verified: ")
    out.write_bytes(out.read_bytes().replace(b'"ready":', b'"ready" :'))
    assert main(["verify", str(out), "--pubkey", pub]) == 1
    assert "not in canonical form" in capsys.readouterr().err
    monkeypatch.delenv("CONF_KEY")
    assert main(["attest", "r.json", "--key-env", "CONF_KEY"]) == 2
    assert "CONF_KEY is not set" in capsys.readouterr().err


def test_cli_takes_no_key_material_on_the_command_line(tmp_path, capsys) -> None:
    # --key names a file: PEM text given in its place is not a readable file, so it is refused.
    assert main(["attest", "r.json", "--key", "-----BEGIN PRIVATE KEY-----"]) == 2
    assert main(["keygen", "--out", str(tmp_path / "k")]) == 0
    assert main(["attest", "r.json", "--key", str(tmp_path / "k" / "conformance-ed25519.pub")]) == 2
    assert "private key" in capsys.readouterr().err
