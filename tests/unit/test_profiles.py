from __future__ import annotations

import os

import pytest

from conformance.errors import ProfileError
from conformance.model import Confidence, Severity
from conformance.profiles import builtin_profile_names, diff_profiles, load_catalogue, resolve_profile
from tests.conftest import FIXTURES

P = os.path.join(FIXTURES, "profiles")


def test_vn_full_enables_every_rule():
    assert set(resolve_profile("vn-full").rules) == set(load_catalogue().rules)


def test_severity_follows_confidence_unless_overridden():
    cat = load_catalogue()
    for rule in cat.rules.values():
        assert rule.severity is rule.confidence.default_severity()
    assert Confidence.CONFIRMED.default_severity() is Severity.ERROR
    assert Confidence.ASSUMPTION.default_severity() is Severity.INFO
    assert resolve_profile("vn-full").rules["STR001"].severity is Severity.ERROR


def test_extends_overrides_and_options_merge():
    child = resolve_profile(os.path.join(P, "org-child.yaml"))
    assert child.rules["DOC001"].severity is Severity.ERROR
    assert "SEC006" not in child.rules
    assert child.rules["SEC005"].options["names"] == ["token", "session", "matkhau"]
    assert child.chain == ("vn-full", "org-base", "org-child")
    assert child.provenance["DOC001"] == "org-child"
    assert child.provenance["SEC005"] == "org-base"


def test_unknown_rule_suggests_closest():
    with pytest.raises(ProfileError) as exc:
        resolve_profile(os.path.join(P, "unknown-rule.yaml"))
    assert "unknown rule SEC01" in str(exc.value) and "did you mean SEC0" in str(exc.value)
    assert exc.value.line == 5


def test_extends_cycle_shows_cycle():
    with pytest.raises(ProfileError, match="extends cycle") as exc:
        resolve_profile(os.path.join(P, "cycle-a.yaml"))
    assert "cycle-a.yaml -> " in str(exc.value) and "cycle-b.yaml" in str(exc.value)


def test_unknown_option_lists_valid_ones():
    with pytest.raises(ProfileError, match="unknown option 'nmes'.*did you mean 'names'"):
        resolve_profile(os.path.join(P, "bad-option.yaml"))


def test_schema_violation_names_file_and_line():
    with pytest.raises(ProfileError) as exc:
        resolve_profile(os.path.join(P, "bad-schema.yaml"))
    assert exc.value.file.endswith("bad-schema.yaml") and exc.value.line == 5


def test_unknown_builtin_profile_suggests():
    with pytest.raises(ProfileError, match="did you mean vn-full"):
        resolve_profile("vn-ful")


def test_digest_is_stable_and_sensitive():
    a, b = resolve_profile("vn-full"), resolve_profile("vn-full")
    assert a.digest == b.digest and a.digest.startswith("sha256:")
    assert resolve_profile(os.path.join(P, "org-base.yaml")).digest != a.digest


def test_every_builtin_profile_resolves():
    for name in builtin_profile_names():
        p = resolve_profile(name)
        assert p.rules, name
        assert p.title.en and p.version


def test_profiles_diff():
    d = diff_profiles(resolve_profile("vn-full"), resolve_profile(os.path.join(P, "org-base.yaml")))
    assert {"rule": "SEC006"} in d["removed"]
    assert {"rule": "DOC001", "field": "severity", "old": "info", "new": "warning"} in d["changed"]
