"""A CSV export of a project system: one row per project and partner organisation.

The export's headers are mapped to canonical column names by the source's ``columns``
setting, so an admin adapts sidos to an export by editing config, not code. A row's id
is derived from its project and organisation, not its position, so that re-sorting
the export does not make every row look new.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

from mappings.errors import ConfigError
from mappings.model import SourceRecord, SourceRef
from sync.settings import CSVSourceSettings

REQUIRED_COLUMNS = ("project_id", "organisation")


class CSVExportSource:
    """Reads a project export file; its cursor is the file's content hash."""

    def __init__(self, settings: CSVSourceSettings, path: Path) -> None:
        self.name = settings.name
        self.settings = settings
        self.path = path
        self._cursor: str | None = None
        self._complete = False

    def pull(self, cursor: str | None = None) -> Iterator[SourceRecord]:
        """Yield every row, or nothing when the file is unchanged since ``cursor``.

        Raises:
            ConfigError: the file is missing or lacks a configured column.
        """
        digest = self._digest()
        self._cursor = digest
        self._complete = cursor != digest
        if self._complete:
            yield from self._rows()

    def next_cursor(self) -> str | None:
        """Return the content hash of the file as last read."""
        return self._cursor

    def is_complete(self) -> bool:
        """Tell whether the last pull read the file: an export is always whole."""
        return self._complete

    def _digest(self) -> str:
        try:
            content = self.path.read_bytes()
        except OSError as exc:
            raise ConfigError.single(
                f"sources.{self.name}.path",
                f"cannot read the export {self.path} ({type(exc).__name__})",
                hint="Check the path in config/sidos.yaml and the file's permissions",
            ) from exc
        return hashlib.sha256(content).hexdigest()

    def _rows(self) -> Iterator[SourceRecord]:
        modified = datetime.fromtimestamp(self.path.stat().st_mtime, tz=UTC)
        with self.path.open(encoding=self.settings.encoding, newline="") as handle:
            reader = csv.DictReader(handle, delimiter=self.settings.delimiter)
            headers = self._header_map(reader.fieldnames or [])
            for row in reader:
                fields = {
                    canonical: (row.get(header) or "").strip()
                    for canonical, header in headers.items()
                }
                yield SourceRecord(
                    ref=SourceRef(self.name, _row_id(fields)),
                    fields=fields,
                    modified_at=modified,
                )

    def _header_map(self, present: Sequence[str]) -> dict[str, str]:
        columns = self.settings.columns or {name: name for name in present}
        missing = sorted(
            f"{canonical} (header {header!r})"
            for canonical, header in columns.items()
            if header not in present
        )
        absent_required = [name for name in REQUIRED_COLUMNS if name not in columns]
        if missing or absent_required:
            what = ", ".join(
                missing + [f"{n} (not configured)" for n in absent_required]
            )
            raise ConfigError.single(
                f"sources.{self.name}.columns",
                f"the export {self.path.name} lacks columns: {what}",
                hint=f"Headers found: {', '.join(present)}. Map each canonical "
                "column to one of them under `columns:`",
            )
        return columns


def _row_id(fields: dict[str, str]) -> str:
    key = "|".join(
        fields.get(name, "").lower()
        for name in ("project_id", "organisation", "business_id", "role")
    )
    digest = hashlib.sha1(key.encode("utf-8"), usedforsecurity=False).hexdigest()
    return f"{fields.get('project_id', '')}-{digest[:10]}"
