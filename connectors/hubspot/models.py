"""Typed views of HubSpot's JSON: the only place raw answers become objects.

Unknown fields are ignored, so that HubSpot adding one never breaks a sync; a
missing required field is reported by ``parse`` as a fatal error naming the field.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from connectors.base import Owner
from connectors.errors import FatalAPIError
from connectors.redaction import shorten_message

M = TypeVar("M", bound="HubSpotModel")

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class HubSpotModel(BaseModel):
    """Base of every HubSpot shape: lenient about extra fields, strict about types."""

    model_config = ConfigDict(
        extra="ignore", populate_by_name=True, coerce_numbers_to_str=True
    )


def parse(model: type[M], body: Any, *, endpoint: str) -> M:
    """Validate an answer's body as ``model``.

    Args:
        model: the shape expected.
        body: the parsed JSON.
        endpoint: the URL path, for the message.

    Returns:
        The typed answer.

    Raises:
        FatalAPIError: the body does not have the expected shape; the message names
            the fields, never their values.
    """
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        where = sorted({".".join(map(str, e["loc"])) for e in exc.errors()})[:5]
        raise FatalAPIError(
            f"{endpoint} answered in an unexpected shape (at {', '.join(where)}); "
            "check that crm.base_url points at a HubSpot CRM v3 API"
        ) from None


class Company(HubSpotModel):
    """One company record; every property value is a string or null."""

    id: str
    properties: dict[str, str | None] = Field(default_factory=dict)
    created_at: datetime | None = Field(None, alias="createdAt")
    updated_at: datetime | None = Field(None, alias="updatedAt")
    archived: bool = False
    archived_at: datetime | None = Field(None, alias="archivedAt")
    object_write_trace_id: str | None = Field(None, alias="objectWriteTraceId")
    new: bool = False

    def modified_ms(self) -> int | None:
        """Return ``hs_lastmodifieddate`` in epoch milliseconds, if readable."""
        return to_epoch_ms(self.properties.get("hs_lastmodifieddate"))

    def modified_at(self) -> datetime | None:
        """Return when the company last changed, from its property or ``updatedAt``."""
        ms = self.modified_ms()
        if ms is None:
            return self.updated_at
        return datetime.fromtimestamp(ms / 1000, tz=UTC)

    def merged_ids(self) -> tuple[str, ...]:
        """Return the ids of companies merged into this one."""
        text = self.properties.get("hs_merged_object_ids") or ""
        return tuple(part.strip() for part in text.split(";") if part.strip())


class NextPage(HubSpotModel):
    """Where the next page starts."""

    after: str


class Paging(HubSpotModel):
    """The paging block of a listing."""

    next: NextPage | None = None


class CompanyPage(HubSpotModel):
    """A page of companies from a listing or a search (which adds ``total``)."""

    results: list[Company] = Field(default_factory=list)
    paging: Paging | None = None
    total: int = 0

    def next_after(self) -> str | None:
        """Return the cursor of the next page, or ``None`` on the last one."""
        if self.paging is None or self.paging.next is None:
            return None
        return self.paging.next.after


class ItemError(HubSpotModel):
    """One failed input of a batch, HubSpot's ``StandardError``."""

    status: str = "error"
    category: str = ""
    message: str = ""
    context: dict[str, Any] = Field(default_factory=dict)
    object_write_trace_id: str | None = Field(None, alias="objectWriteTraceId")

    def trace_ids(self) -> list[str]:
        """Return the ``objectWriteTraceId`` values this error is about."""
        found = _strings(self.context.get("objectWriteTraceId"))
        if self.object_write_trace_id:
            found.append(self.object_write_trace_id)
        return found

    def ids(self) -> list[str]:
        """Return the record ids or names this error is about."""
        return _strings(self.context.get("ids")) + _strings(self.context.get("names"))

    def reason(self) -> str:
        """Return the category and a short, masked message, for a failure report."""
        return f"{self.category or 'ERROR'}: {shorten_message(self.message)}"


class BatchReply(HubSpotModel):
    """The answer of a batch call: results, and per-input errors on a 207."""

    status: str = ""
    results: list[Company] = Field(default_factory=list)
    errors: list[ItemError] = Field(default_factory=list)


class OwnerTeam(HubSpotModel):
    """A team an owner belongs to."""

    id: str = ""
    name: str = ""
    primary: bool = False


class OwnerRecord(HubSpotModel):
    """One owner (a HubSpot user who can own records)."""

    id: str
    email: str | None = None
    first_name: str | None = Field(None, alias="firstName")
    last_name: str | None = Field(None, alias="lastName")
    teams: list[OwnerTeam] | None = None
    archived: bool = False

    def to_owner(self) -> Owner:
        """Return the connector-neutral owner."""
        return Owner(
            id=self.id,
            email=self.email or "",
            first_name=self.first_name or "",
            last_name=self.last_name or "",
            teams=tuple(team.name for team in self.teams or () if team.name),
            archived=self.archived,
        )


class OwnerPage(HubSpotModel):
    """A page of owners."""

    results: list[OwnerRecord] = Field(default_factory=list)
    paging: Paging | None = None

    def next_after(self) -> str | None:
        """Return the cursor of the next page, or ``None`` on the last one."""
        if self.paging is None or self.paging.next is None:
            return None
        return self.paging.next.after


class PropertyOption(HubSpotModel):
    """One option of an enumeration property."""

    label: str
    value: str
    display_order: int = Field(-1, alias="displayOrder")
    hidden: bool = False


class PropertyDefinition(HubSpotModel):
    """A company property as the properties API reads and creates it."""

    name: str
    label: str = ""
    type: str = "string"
    field_type: str = Field("text", alias="fieldType")
    group_name: str = Field("", alias="groupName")
    description: str = ""
    options: list[PropertyOption] = Field(default_factory=list)
    has_unique_value: bool = Field(False, alias="hasUniqueValue")
    form_field: bool = Field(False, alias="formField")

    def to_body(self) -> dict[str, Any]:
        """Return the JSON that creates this property."""
        return self.model_dump(by_alias=True)

    def option_values(self) -> set[str]:
        """Return the values of this property's options."""
        return {option.value for option in self.options}


class PropertyBatch(HubSpotModel):
    """The answer of a property batch read or create."""

    results: list[PropertyDefinition] = Field(default_factory=list)
    errors: list[ItemError] = Field(default_factory=list)


def to_epoch_ms(value: str | None) -> int | None:
    """Read a HubSpot time, either epoch milliseconds or ISO-8601, as epoch ms.

    Args:
        value: the property value.

    Returns:
        Milliseconds since the epoch, or ``None`` when absent or unreadable.
    """
    if not value:
        return None
    if value.isdigit():
        return int(value)
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - _EPOCH) // timedelta(milliseconds=1)


def _strings(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(item) for item in value]
    if isinstance(value, str):
        return [value]
    return []
