"""The harness's exception tree.

Findings are data, never exceptions; an exception means the input was unusable or the harness broke.

    ConformanceError              base; ``str(e)`` is one line naming the file and place
      ├─ UsageError               bad command-line or API arguments
      ├─ ProfileError             invalid profile, unknown rule id, ``extends`` cycle, bad options
      ├─ SpecLoadError            unreadable, unsafe or unparsable document, forbidden ``$ref``
      └─ InventoryError           bad systems inventory for the dependency map
"""

from __future__ import annotations


class ConformanceError(Exception):
    """Base class. Carries an optional file and place so every message names them."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 column: int | None = None, where: str | None = None) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.where = where
        super().__init__(self.format())

    def format(self) -> str:
        place = ""
        if self.file:
            place = self.file
            if self.line is not None:
                place += f":{self.line}"
                if self.column is not None:
                    place += f":{self.column}"
            if self.where:
                place += f" ({self.where})"
            place += ": "
        elif self.where:
            place = f"{self.where}: "
        # One line, always: messages may quote user text with newlines.
        return (place + self.message).replace("\r", " ").replace("\n", " ")


class UsageError(ConformanceError):
    """Bad command-line or API arguments."""


class ProfileError(ConformanceError):
    """A profile or rule catalogue that cannot be used."""


class SpecLoadError(ConformanceError):
    """A document that cannot be read safely."""


class InventoryError(ConformanceError):
    """A systems inventory that cannot be used."""
