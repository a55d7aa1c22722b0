"""Sources of internal project systems: RDI project databases and their exports."""

from __future__ import annotations

from connectors.projects.csv_export import CSVExportSource

__all__ = ["CSVExportSource"]
