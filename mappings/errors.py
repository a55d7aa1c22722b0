"""Errors of sidos, modelled by what the caller must do.

::

    SidosError
    ├── ConfigError (ValueError)       bad admin input: fix the file, then rerun
    ├── MappingError (ValueError)      a record cannot be mapped: set it aside
    └── connectors.errors.APIError     a CRM or source call failed
        ├── RetriableAPIError          429, 5xx, timeouts: wait and try again
        └── FatalAPIError              other 4xx, bad credentials: stop and fix
"""

from __future__ import annotations

from dataclasses import dataclass


class SidosError(Exception):
    """Root of every error sidos raises on purpose."""


@dataclass(frozen=True)
class ConfigProblem:
    """One problem in an admin-edited file, located for the editor."""

    path: str
    line: int
    column: int
    message: str
    hint: str = ""

    def __str__(self) -> str:
        text = f"{self.path}:{self.line}:{self.column}: {self.message}"
        return f"{text}. {self.hint}" if self.hint else text


class ConfigError(SidosError, ValueError):
    """Raised when an admin-edited file or setting is invalid."""

    def __init__(self, problems: list[ConfigProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))

    @classmethod
    def single(
        cls, path: str, message: str, *, hint: str = "", line: int = 1, column: int = 1
    ) -> ConfigError:
        """Build an error holding one problem."""
        return cls([ConfigProblem(path, line, column, message, hint)])


class MappingError(SidosError, ValueError):
    """Raised when a source record cannot become an organisation."""

    def __init__(self, ref: str, reason: str) -> None:
        self.ref = ref
        self.reason = reason
        super().__init__(f"record {ref} cannot be mapped: {reason}")
