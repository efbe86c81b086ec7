#!/usr/bin/env python3
"""Precompute openapi-spec-validator's structural verdict on every document of the shared corpus.

    python bench/gen_corpus_verdicts.py [--corpus ../shared/corpus] [--out fixtures/corpus-verdicts.json]
                                        [--only SUBSTRING] [--jobs N]

The reference is openapi-spec-validator itself (its default backend in this environment), run in
process on the same bundled data the harness validates (``conformance.specs.load_spec``), with no
reference handlers, so nothing is fetched. A document is "invalid" when the validator yields an
error or raises (it raises on unresolvable references); "unloadable" when the harness cannot parse
it at all. The slow part (GitHub's 73 MB dereferenced file alone takes minutes) is why the verdicts
are checked in: ``tests/unit/test_corpus_agreement.py`` compares against this file and recomputes a
reference verdict only for a document whose sha256 changed. Rerun after upgrading
openapi-spec-validator or changing the corpus.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import hashlib
import json
import os
import sys
import time
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DEFAULT_CORPUS = os.path.join(os.path.dirname(ROOT), "shared", "corpus")
DEFAULT_OUT = os.path.join(ROOT, "fixtures", "corpus-verdicts.json")
SUFFIXES = (".json", ".yaml", ".yml")


def corpus_files(corpus: str) -> list[str]:
    """Every document of the corpus, as paths relative to it (sorted)."""
    out = []
    for dirpath, dirnames, filenames in os.walk(corpus):
        dirnames.sort()
        for name in sorted(filenames):
            if name.lower().endswith(SUFFIXES):
                out.append(os.path.relpath(os.path.join(dirpath, name), corpus))
    return sorted(out)


def sha256_of(path: str) -> str:
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def reference_verdict(path: str) -> dict[str, Any]:
    """openapi-spec-validator's verdict on the bundled document at ``path``."""
    from openapi_spec_validator.schemas import get_validator_backend
    from openapi_spec_validator.validation import validators as v

    from conformance.errors import SpecLoadError
    from conformance.specs import load_spec

    classes = {"swagger2": v.OpenAPIV2SpecValidator, "oas30": v.OpenAPIV30SpecValidator,
               "oas31": v.OpenAPIV31SpecValidator}
    start = time.perf_counter()
    try:
        doc = load_spec(path)
    except SpecLoadError as exc:
        return {"verdict": "unloadable", "first_error": str(exc)[:300], "seconds": 0.0}
    if doc.family is None or not isinstance(doc.data, dict):
        return {"verdict": "invalid", "first_error": "not an OpenAPI 2.0/3.0/3.1 document",
                "seconds": 0.0}
    # No handlers: a reference outside the bundle is an error, never a fetch.
    cls = type("Offline" + classes[doc.family].__name__, (classes[doc.family],),
               {"resolver_handlers": {}})
    first = None
    try:
        for err in cls(doc.data).iter_errors():
            first = str(getattr(err, "message", err))
            break
    except RecursionError:
        first = "raised RecursionError"
    except Exception as exc:  # unresolvable references raise instead of yielding
        first = f"raised {type(exc).__name__}: {exc}"
    return {"verdict": "valid" if first is None else "invalid",
            "first_error": None if first is None else " ".join(first.split())[:300],
            "seconds": round(time.perf_counter() - start, 2), "backend": get_validator_backend()}


def _one(args: tuple[str, str]) -> tuple[str, dict[str, Any]]:
    corpus, rel = args
    full = os.path.join(corpus, rel)
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 1000))
    entry = {"sha256": sha256_of(full), **reference_verdict(full)}
    return rel, entry


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", default=DEFAULT_CORPUS)
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--only", default=None, help="recompute only paths containing this substring")
    ap.add_argument("--jobs", type=int, default=1)
    args = ap.parse_args(argv)
    import openapi_spec_validator

    existing: dict[str, Any] = {}
    if os.path.exists(args.out):
        with open(args.out, encoding="utf-8") as fh:
            existing = json.load(fh).get("files", {})
    todo = [rel for rel in corpus_files(args.corpus) if args.only is None or args.only in rel]
    # A full run starts afresh (files gone from the corpus drop out); --only updates in place.
    files: dict[str, Any] = {} if args.only is None else dict(existing)
    with cf.ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for rel, entry in pool.map(_one, [(args.corpus, r) for r in todo]):
            files[rel] = entry
            print(f"{entry['verdict']:10} {entry.get('seconds', 0):7.2f}s  {rel}", flush=True)
    payload = {
        "about": "openapi-spec-validator's structural verdicts on ../shared/corpus; "
                 "generated by bench/gen_corpus_verdicts.py",
        "openapi_spec_validator": openapi_spec_validator.__version__,
        "files": dict(sorted(files.items())),
    }
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8", newline="\n") as fh:
        json.dump(payload, fh, indent=1, ensure_ascii=False)
        fh.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
