"""conformance: readiness checks for Vietnamese agency systems joining the shared integration platforms.

The public API is what ``__all__`` lists; everything else may change without notice.
"""

__version__ = "0.1.0"

from .api import LintReport, explain, lint, list_rules  # noqa: E402
from .api_graph import graph_check, load_graph  # noqa: E402
from .api_live import AuthConfig, test_live  # noqa: E402
from .errors import (  # noqa: E402
    ConformanceError,
    InventoryError,
    ProfileError,
    SpecLoadError,
    UsageError,
)
from .model import (  # noqa: E402
    Confidence,
    Finding,
    Location,
    Outcome,
    Problem,
    RuleSpec,
    RunResult,
    Severity,
    Status,
    Subject,
)
from .profiles import resolve_profile  # noqa: E402

__all__ = [
    "AuthConfig",
    "Confidence",
    "ConformanceError",
    "Finding",
    "InventoryError",
    "LintReport",
    "Location",
    "Outcome",
    "Problem",
    "ProfileError",
    "RuleSpec",
    "RunResult",
    "Severity",
    "SpecLoadError",
    "Status",
    "Subject",
    "UsageError",
    "__version__",
    "explain",
    "graph_check",
    "lint",
    "list_rules",
    "load_graph",
    "resolve_profile",
    "test_live",
]
