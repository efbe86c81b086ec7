"""The pre-commit hook (`.pre-commit-hooks.yaml`), run by pre-commit's own `try-repo` against a local
copy of this repository: a bad spec fails the commit check, a good one passes.

The copy is the working tree (tracked and untracked-but-not-ignored files) committed into a fresh
git repository, so uncommitted work is tested too. pre-commit builds the hook's virtualenv with pip,
which fetches the dependencies from the package index; the first run takes a minute or two, later
ones reuse pip's cache. Not marked ``docker``: it needs git and pre-commit only.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

GOOD = Path(ROOT) / "specs" / "provincial-one-stop" / "openapi.yaml"
BAD = """openapi: 3.0.3
info: {title: Hồ sơ, version: "1"}
paths:
  /a:
    get:
      responses:
        "200":
          description: ok
          content:
            "application/json; charset=iso-8859-1": {schema: {type: object}}
"""  # DATA002 (text must be UTF-8) is an error, which fails the hook at its default --fail-on error
TIMEOUT = 900  # building the hook's environment installs the package's dependencies


def _git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True,
                          timeout=120).stdout


def _pre_commit() -> list[str]:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    try:
        import pre_commit  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("pre-commit is not installed (it is in the test extras)")
        pytest.skip("pre-commit is not installed (pip install pre-commit)")
    return [sys.executable, "-m", "pre_commit"]


@pytest.fixture(scope="module")
def repo_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This repository's working tree as a one-commit git repository (read-only use of /work/main)."""
    dest = tmp_path_factory.mktemp("conformance-repo")
    listed = _git(Path(ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0")
    for rel in filter(None, listed):
        src = Path(ROOT) / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    _git(dest, "init", "-q")
    _git(dest, "add", "-A")
    _git(dest, "commit", "-q", "-m", "snapshot for try-repo")
    return dest


def _project(root: Path, spec_text: str) -> Path:
    root.mkdir()
    (root / "api").mkdir()
    (root / "api" / "openapi.yaml").write_text(spec_text, encoding="utf-8")
    (root / "README.md").write_text("not a spec\n", encoding="utf-8")
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    return root


def _try_repo(repo: Path, project: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    env.pop("VIRTUAL_ENV", None)
    return subprocess.run([*_pre_commit(), "try-repo", str(repo), "conformance-lint", "--all-files",
                           "--verbose", "--hook-stage", "pre-commit"],
                          cwd=project, env=env, capture_output=True, text=True, timeout=TIMEOUT)


def test_hook_definition_matches_spec_names() -> None:
    import re

    import yaml

    with open(os.path.join(ROOT, ".pre-commit-hooks.yaml"), encoding="utf-8") as fh:
        [hook] = yaml.safe_load(fh)
    assert hook["id"] == "conformance-lint" and hook["language"] == "python"
    assert hook["entry"].startswith("conformance lint")
    files = re.compile(hook["files"])
    for name in ("openapi.yaml", "api/openapi.yml", "swagger.json", "svc/orders.openapi.yaml",
                 "openapi-v2.json"):
        assert files.search(name), name
    for name in ("README.md", "docker-compose.yaml", "openapi.py", "conformance.yaml"):
        assert not files.search(name), name


@pytest.mark.slow
def test_try_repo_fails_a_bad_spec_and_passes_a_good_one(repo_copy: Path, tmp_path: Path) -> None:
    home = tmp_path / "pre-commit-home"  # shared by both runs: the hook's environment is built once
    bad = _try_repo(repo_copy, _project(tmp_path / "bad", BAD), home)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "conformance lint (OpenAPI)" in bad.stdout and "Failed" in bad.stdout, bad.stdout
    assert "api/openapi.yaml" in bad.stdout and "DATA002" in bad.stdout, bad.stdout

    good = _try_repo(repo_copy, _project(tmp_path / "good", GOOD.read_text(encoding="utf-8")), home)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "Passed" in good.stdout, good.stdout


def test_ci_examples_run_conformance_and_publish_sarif_and_junit() -> None:
    import yaml

    folder = os.path.join(ROOT, "docs", "ci")
    with open(os.path.join(folder, "github-actions.yml"), encoding="utf-8") as fh:
        text = fh.read()
    workflow = yaml.safe_load(text)
    steps = workflow["jobs"]["conformance"]["steps"]
    uses = {s.get("uses", "").split("@")[0]: s for s in steps}
    assert uses["github/codeql-action/upload-sarif"]["with"]["sarif_file"] == "reports/report.sarif"
    assert any("report.junit.xml" in str(s.get("with", {})) for s in steps)
    assert "conformance run" in text

    with open(os.path.join(folder, "gitlab-ci.yml"), encoding="utf-8") as fh:
        text = fh.read()
    jobs = yaml.safe_load(text)
    assert jobs[".conformance-reports"]["artifacts"]["reports"]["junit"] == "reports/report.junit.xml"
    assert "conformance run" in text
    assert jobs[".conformance-reports"]["artifacts"]["paths"] == ["reports/"]  # report.sarif included
