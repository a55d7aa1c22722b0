"""Settings from ``config/sidos.yaml``, overridable from the environment.

Every setting can be replaced by an environment variable named ``SIDOS_`` plus its path
joined by ``__`` (``SIDOS_CRM__BASE_URL``, ``SIDOS_STATE__URL``). Secrets are accepted
only from the environment (``SIDOS_CRM__TOKEN``) or a file it names
(``SIDOS_CRM__TOKEN_FILE``, e.g. a container secret), never from the YAML file.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from mappings.errors import ConfigError, ConfigProblem
from mappings.problems import describe
from mappings.yamlfile import YamlDocument, read_yaml
from sync.service.config import ServiceSettings

DEFAULT_CONFIG = Path("config/sidos.yaml")
SECRET_PATHS: tuple[tuple[str, ...], ...] = (("crm", "token"),)
FieldPolicy = Literal["own", "fill", "never"]


class Strict(BaseModel):
    """A settings section that refuses unknown keys, catching typos."""

    model_config = ConfigDict(extra="forbid")


class RateLimit(Strict):
    """At most ``requests`` calls in any rolling window of ``seconds``."""

    requests: int = Field(190, gt=0)
    seconds: float = Field(10.0, gt=0)

    @classmethod
    def parse(cls, text: str) -> RateLimit:
        """Read the ``190/10s`` form used on the command line."""
        match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+(?:\.\d+)?)\s*s?\s*", text)
        if match is None:
            raise ValueError(f"rate limit {text!r} is not of the form 190/10s")
        return cls(requests=int(match[1]), seconds=float(match[2]))


class CRMSettings(Strict):
    """The CRM sidos reads and writes."""

    kind: Literal["hubspot"] = "hubspot"
    name: str = "hubspot"
    base_url: str = "https://api.hubapi.com"
    token: SecretStr | None = None
    token_file: Path | None = Field(
        None,
        description="a file holding the token (a container or Kubernetes secret); "
        "read when no token is set",
    )
    timeout_seconds: float = Field(30.0, gt=0)
    rate_limit: RateLimit = RateLimit()
    rate_margin: float = Field(
        0.05, ge=0, lt=1, description="share of the limit left for people and others"
    )
    search_per_second: float = Field(4.0, gt=0)
    max_retries: int = Field(6, ge=0)
    retry_max_wait_seconds: float = Field(
        60.0, gt=0, description="longest single wait before a retry"
    )
    search_lookback_seconds: float = Field(
        300.0, ge=0, description="overlap re-read before the incremental cursor"
    )
    search_horizon_seconds: float = Field(
        30.0, ge=0, description="how far behind now an incremental read stops"
    )
    fields: dict[str, str] = Field(
        default_factory=lambda: {
            "name": "name",
            "business_id": "y_tunnus",
            "domain": "domain",
            "municipality": "city",
            "postcode": "zip",
            "address": "address",
            "phone": "phone",
            "country": "country",
            "industry_code": "toimialakoodi",
            "owner_id": "hubspot_owner_id",
        }
    )
    policies: dict[str, FieldPolicy] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _token_from_file(self) -> CRMSettings:
        if self.token is not None or self.token_file is None:
            return self
        try:
            text = self.token_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ValueError(
                f"token_file {self.token_file} cannot be read ({exc.strerror}); "
                "mount the secret there or unset SIDOS_CRM__TOKEN_FILE"
            ) from exc
        self.token = SecretStr(text) if text else None
        return self


class CSVSourceSettings(Strict):
    """A CSV export of a project system, one row per project and organisation."""

    kind: Literal["csv"] = "csv"
    name: str
    path: Path
    delimiter: str = ","
    encoding: str = "utf-8-sig"
    columns: dict[str, str] = Field(default_factory=dict)
    roles: dict[str, str] = Field(
        default_factory=dict, description="source role value → canonical role"
    )


class StateSettings(Strict):
    """Where sidos keeps its state: SQLite by default, PostgreSQL for a fleet."""

    url: str = "sqlite:///sidos-state.db"


class LoggingSettings(Strict):
    """How sidos writes its log events."""

    format: Literal["console", "json"] = "console"
    level: Literal["debug", "info", "warning", "error"] = "info"


class MappingsSettings(Strict):
    """Files holding the classification and KAM rules, relative to this file."""

    rules: Path = Path("mappings.yaml")
    overrides: Path = Path("overrides.yaml")
    tests: Path = Path("mappings_tests.yaml")
    kam: Path = Path("kam.yaml")


class MatchingSettings(Strict):
    """Thresholds of partner resolution and the survivorship of golden records."""

    match_threshold: float = Field(0.88, ge=0, le=1)
    review_threshold: float = Field(0.70, ge=0, le=1)
    linkage_threshold: float = Field(
        0.7,
        ge=0,
        le=1,
        description="least average probability between two groups of records for "
        "them to merge; each merge also needs one pair at the match threshold",
    )
    related_threshold: float = Field(
        0.75,
        ge=0,
        le=1,
        description="share of the shorter name's words, weighted by rarity, found in "
        "the other name at which records with different business ids are linked "
        "as related entities of one group",
    )
    learn_weights: bool = Field(
        True, description="learn per-field weights from the data (EM) on each run"
    )
    window: int = Field(
        4, ge=1, le=50, description="neighbours compared in each sorted block"
    )
    processes: int = Field(
        0,
        ge=0,
        description="worker processes that normalise names on large runs; 0 uses "
        "every core this process may run on, 1 starts none",
    )
    source_priority: list[str] = Field(
        default_factory=list,
        description="sources in order of trust for golden-record fields",
    )
    field_priority: dict[str, list[str]] = Field(
        default_factory=dict,
        description="per-field source order overriding source_priority",
    )
    golden_name: Literal["quality", "rank"] = Field(
        "quality",
        description="how the golden name is chosen: quality, the best-written form "
        "most members use (the rank breaks ties); rank, the best-ranked member's "
        "name like any other field",
    )


class SyncSettings(Strict):
    """How plans are applied to the CRM."""

    batch_size: int = Field(100, ge=1, le=100)
    merge_policy: Literal["auto", "review", "off"] = "review"
    merge_threshold: float = Field(0.95, ge=0, le=1)


class Settings(BaseSettings):
    """All of sidos's settings."""

    model_config = SettingsConfigDict(
        env_prefix="SIDOS_", env_nested_delimiter="__", extra="forbid"
    )

    crm: CRMSettings = CRMSettings()
    sources: list[CSVSourceSettings] = Field(default_factory=list)
    state: StateSettings = StateSettings()
    logging: LoggingSettings = LoggingSettings()
    mappings: MappingsSettings = MappingsSettings()
    matching: MatchingSettings = MatchingSettings()
    sync: SyncSettings = SyncSettings()
    service: ServiceSettings = ServiceSettings()
    config_dir: Path = Path("config")

    @field_validator("sources")
    @classmethod
    def _names_unique(cls, sources: list[CSVSourceSettings]) -> list[CSVSourceSettings]:
        names = [source.name for source in sources]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"source names must be unique; repeated: {duplicates}")
        return sources

    def resolve(self, path: Path) -> Path:
        """Return ``path`` made absolute against the directory of the config file."""
        return path if path.is_absolute() else self.config_dir / path

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Let the environment win over values read from the YAML file."""
        return env_settings, init_settings, file_secret_settings


def config_path(explicit: Path | None = None) -> Path:
    """Return the config file to read: the flag, else ``SIDOS_CONFIG``, else default."""
    if explicit is not None:
        return explicit
    return Path(os.environ.get("SIDOS_CONFIG", str(DEFAULT_CONFIG)))


def load_settings(path: Path) -> Settings:
    """Read, check and validate the settings file, then apply the environment.

    Raises:
        ConfigError: the file is missing, not YAML, holds a secret, or is invalid; each
            problem carries the file, line and what to do.
    """
    document = read_yaml(path)
    data = document.data if document.data is not None else {}
    if not isinstance(data, dict):
        raise ConfigError.single(
            str(path),
            "the top level must be a mapping of sections",
            hint="Start with `crm:`, `sources:` and `state:`",
        )
    problems = document.duplicates + _secret_problems(document)
    if problems:
        raise ConfigError(problems)

    data = {**data, "config_dir": path.parent}
    try:
        return Settings(**data)
    except ValueError as exc:
        raise ConfigError(_located(exc, document)) from None


def _secret_problems(document: YamlDocument) -> list[ConfigProblem]:
    problems = []
    for secret in SECRET_PATHS:
        section: Any = document.data
        for key in secret:
            section = section.get(key) if isinstance(section, dict) else None
        if section is not None:
            line, column = document.locate(secret)
            variable = "SIDOS_" + "__".join(part.upper() for part in secret)
            problems.append(
                ConfigProblem(
                    document.path,
                    line,
                    column,
                    f"{'.'.join(secret)} is a secret and may not be written here",
                    f"Remove it and set the environment variable {variable}",
                )
            )
    return problems


def _located(exc: ValueError, document: YamlDocument) -> list[ConfigProblem]:
    if not isinstance(exc, ValidationError):
        return [ConfigProblem(document.path, 1, 1, str(exc))]
    problems = []
    for error in exc.errors(include_url=False):
        variable = "SIDOS_" + "__".join(str(part).upper() for part in error["loc"])
        problem = describe(error, document, Settings)
        if variable in os.environ:
            problem = ConfigProblem(
                "environment", 0, 0, f"{variable}: {problem.message}", problem.hint
            )
        problems.append(problem)
    return problems
