"""Graph checks: functions of the whole ``SystemGraph``, yielding Problems located at system/peer.

Each yields English and Vietnamese messages; no severity (the profile decides).
"""

from __future__ import annotations

from ...model import Location, Problem


def problem(en: str, vi: str, system: str | None, peer: str | None = None, **details: object) -> Problem:
    return Problem(message=en, message_vi=vi, location=Location(system=system, peer=peer), details=details)
