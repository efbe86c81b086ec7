"""Reference agency service: a real HTTP server implementing specs/provincial-one-stop/openapi.yaml.

Used to test live rules end to end: with no fault it conforms; each fault in FAULTS makes one
documented deviation observable on the wire. Stdlib only (plus the vietnam_provinces code list).
"""

from .faults import FAULTS, check_faults
from .monitor import RequestLog, RequestRecord
from .server import BASE_PATH
from .service import RefService

__all__ = ["BASE_PATH", "FAULTS", "RefService", "RequestLog", "RequestRecord", "check_faults"]
