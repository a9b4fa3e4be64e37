"""One error family for everything roleplay reports to a user.

Every error a user can cause (a bad file, a missing model, a server that is down) is a
`RoleplayError` with a message that says what is wrong and, where it helps, what to do.
The CLI and the app show these without a traceback; anything else is a bug.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


class RoleplayError(Exception):
    """Base of every error roleplay reports to a user.

    Args:
        message: What went wrong and, where it helps, what to do about it.
        title: A short heading for dialogs and notifications.
    """

    title = "roleplay error"

    def __init__(self, message: str, title: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if title is not None:
            self.title = title

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, order=True)
class Problem:
    """One located problem in a user's file, printed as `file:line:col: field: message`."""

    file: str
    line: int
    column: int
    field: str
    message: str

    def __str__(self) -> str:
        field = f" {self.field}:" if self.field else ""
        return f"{self.file}:{self.line}:{self.column}:{field} {self.message}"


class InvalidFileError(RoleplayError):
    """One or more files failed validation; `problems` lists every problem found."""

    title = "Invalid file"

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def single(
        cls, path: Path | str, message: str, line: int = 1, column: int = 1, field: str = ""
    ) -> InvalidFileError:
        """An error with one problem, for failures that stop a file from being read at all."""
        return cls([Problem(str(path), line, column, field, message)])


class TranscriptError(RoleplayError):
    """A transcript could not be read or written."""

    title = "Transcript problem"


class WriteError(RoleplayError):
    """A file could not be written; its previous content is intact."""

    title = "Could not save"


class ModelError(RoleplayError):
    """A model could not be found, loaded or reached."""

    title = "Model problem"


class BackendError(ModelError):
    """A buyer backend failed while generating a reply."""

    title = "Buyer backend failed"


class ScoringError(RoleplayError):
    """The turn scorer could not score its input."""

    title = "Scoring problem"


class UsageError(RoleplayError):
    """A command was called with arguments that cannot work."""

    title = "Usage"
