"""Read HubSpot owners, the users who can be a partner's KAM."""

from __future__ import annotations

import structlog

from connectors.base import Owner
from connectors.http import JSONClient
from connectors.hubspot.models import OwnerPage
from connectors.hubspot.paging import read_pages

log = structlog.get_logger(__name__)

OWNERS_PATH = "/crm/v3/owners"


def list_owners(api: JSONClient) -> list[Owner]:
    """Return every owner: active ones, then deactivated (archived) ones.

    Args:
        api: the client of the HubSpot account.

    Returns:
        The owners, each once.

    Raises:
        FatalAPIError: the listing was refused (the token needs
            ``crm.objects.owners.read``).
        RetriableAPIError: HubSpot stayed unavailable through every retry.
    """
    owners: dict[str, Owner] = {}
    for archived in ("false", "true"):
        pages = read_pages(
            api,
            OWNERS_PATH,
            OwnerPage,
            kind="owners",
            params={"archived": archived},
            object_type="owners",
        )
        for page in pages:
            for record in page.results:
                owners.setdefault(record.id, record.to_owner())

    archived_count = sum(owner.archived for owner in owners.values())
    log.info("hubspot.owners_read", owners=len(owners), archived=archived_count)
    return list(owners.values())
