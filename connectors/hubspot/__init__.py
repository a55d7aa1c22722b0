"""The HubSpot CRM connector (CRM v3 objects and properties, owners).

Log events (structlog, key-value fields only):

- ``hubspot.page_read`` (INFO): object_type, page, records, duration_ms, and
  ``archived`` for listings or ``search``/``total`` for searches.
- ``hubspot.search_window_split`` (INFO): start_ms, end_ms.
- ``hubspot.search_timestamp_pinned`` (INFO): timestamp_ms.
- ``hubspot.pull_finished`` (INFO): mode, records, cursor, duration_ms.
- ``hubspot.companies_read`` (INFO): requested, found, remapped.
- ``hubspot.batch_written`` (INFO): kind, items, written, created, failed,
  duration_ms.
- ``hubspot.batch_isolating`` (WARNING): kind, items, status, category.
- ``hubspot.companies_merged`` (INFO): primary_id, merged_id, new_id.
- ``hubspot.schema_ensured`` (INFO): created, updated.
- ``hubspot.owners_read`` (INFO): owners, archived.
"""

from __future__ import annotations

from connectors.hubspot.client import HubSpotConnector

__all__ = ["HubSpotConnector"]
