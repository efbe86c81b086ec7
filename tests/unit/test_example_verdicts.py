"""The example agency specs behave as their descriptions say, under every built-in profile."""

from __future__ import annotations

import os

import pytest

from conformance.api import lint
from conformance.model import Severity, Status
from conformance.profiles import builtin_profile_names
from tests.conftest import ROOT

CONFORMING = ("provincial-one-stop", "national-enterprise-db", "shared-codelists")
LEGACY = os.path.join(ROOT, "specs", "legacy-dvcqg-adapter", "openapi.yaml")


@pytest.mark.parametrize("profile", builtin_profile_names())
@pytest.mark.parametrize("name", CONFORMING)
def test_conforming_specs_are_clean(name, profile):
    result = lint([os.path.join(ROOT, "specs", name, "openapi.yaml")], profile=profile).result
    # vn-full also enables advisory recommendations (e.g. DATA005, OData conventions, always info);
    # the profiles written for these systems must pass clean.
    tolerated = {Severity.INFO} if profile == "vn-full" else set()
    failed = [(o.rule, [f.message for f in o.findings][:2]) for o in result.outcomes
              if o.status is Status.ERROR or (o.status is Status.FAILED and
                                              any(f.severity not in tolerated for f in o.findings))]
    assert failed == []
    assert any(o.status is Status.PASSED for o in result.outcomes)


def test_legacy_adapter_fails_what_a_legacy_adapter_should():
    result = lint([LEGACY], profile="vn-full").result
    failed = {o.rule for o in result.outcomes if o.status is Status.FAILED}
    expected = {
        "SEC001",  # plain http server
        "SEC003",  # operations without security
        "SEC004",  # no OAuth2 client credentials
        "SEC005",  # session in the query string
        "SEC010",  # session token in the request body
        "ERR001",  # error_code inside 200 responses
        "ID002",  # MaHuyen: district level
        "ID003",  # 9-digit CMND as identifier
        "DATA004",  # dates as free strings
        "DOC001",  # operations without operationId
    }
    assert expected <= failed, sorted(expected - failed)
