"""conformance: readiness checks for Vietnamese agency systems joining the shared integration platforms.

The public API is what ``__all__`` lists; everything else may change without notice. Names are
imported on first use (PEP 562), so `conformance lint` does not pay for the live and graph engines.
"""

import importlib as _importlib

__version__ = "0.1.0"

_EXPORTS = {
    "AuthConfig": "api_live",
    "Confidence": "model",
    "ConformanceError": "errors",
    "Finding": "model",
    "InventoryError": "errors",
    "LintReport": "api",
    "Location": "model",
    "Outcome": "model",
    "Problem": "model",
    "ProfileError": "errors",
    "RuleSpec": "model",
    "RunResult": "model",
    "Severity": "model",
    "SpecLoadError": "errors",
    "Status": "model",
    "Subject": "model",
    "UsageError": "errors",
    "explain": "api",
    "graph_check": "api_graph",
    "lint": "api",
    "list_rules": "api",
    "load_graph": "api_graph",
    "resolve_profile": "profiles",
    "test_live": "api_live",
}

__all__ = sorted([*_EXPORTS, "__version__"])


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'conformance' has no attribute {name!r}")
    value = getattr(_importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
