"""``LaunchError``: the system under test could not be started (or stopped) by a launcher.

A ``ConformanceError``, so the command line prints it as one line and exits 2. Kept out of
``errors.py`` so that module stays the harness's stable exception tree.
"""

from __future__ import annotations

from collections.abc import Sequence

from .errors import ConformanceError

TAIL_LINES = 5
LINE_CHARS = 160  # the head of a line says most (an error's type, a usage message's complaint)
TAIL_CHARS = 600


class LaunchError(ConformanceError):
    """No engine, unknown image, exited at start, health never answered, port taken."""

    def __init__(self, message: str, *, log_tail: Sequence[str] | None) -> None:
        """``log_tail=None``: nothing had been started, so there is no log to quote."""
        self.log_tail = list(log_tail or ())
        tail = "; nothing was started" if log_tail is None else one_line_tail(self.log_tail)
        super().__init__(message + tail)


def one_line_tail(lines: Sequence[str], *, count: int = TAIL_LINES, limit: int = TAIL_CHARS) -> str:
    """``"; last log lines: a | b | c"`` from the last ``count`` non-blank lines, each cut to
    ``LINE_CHARS``, the whole to ``limit`` characters from the end (the newest lines matter most)."""
    kept = [" ".join(line.split()) for line in lines if line.strip()][-count:]
    kept = [line if len(line) <= LINE_CHARS else line[:LINE_CHARS - 1] + "…" for line in kept]
    if not kept:
        return "; no log output"
    text = " | ".join(kept)
    if len(text) > limit:
        text = "…" + text[-(limit - 1):]
    return f"; last log lines: {text}"
