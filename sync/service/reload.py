"""Config reloads: a changed config is validated before it replaces the running one.

The watcher polls the settings file and the rule files it names, by content, so a
save, a replaced file and a swapped symlink (as Kubernetes mounts config maps) are
all seen. SIGHUP asks for the same check at once.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

import structlog

from mappings.errors import ConfigError
from sync.service.jobs import DEFAULT_RUNNER, load_runner
from sync.settings import Settings, load_settings

log = structlog.get_logger()


def validate_config(path: Path) -> Settings:
    """Read and check everything a run would use from the config at ``path``.

    The settings are validated and the runner is imported; with sidos's own runner
    the classification rules are compiled too, when that module is installed.

    Args:
        path: the settings file.

    Returns:
        The validated settings.

    Raises:
        ConfigError: the settings, the runner or the rules are invalid; each problem
            is located in its file.
    """
    settings = load_settings(path)
    load_runner(settings.service.runner)
    if settings.service.runner == DEFAULT_RUNNER:
        _check_rules(settings)

    return settings


def watched_files(path: Path, settings: Settings) -> list[Path]:
    """Return the settings file and the admin files it names under ``mappings:``."""
    named = [
        settings.resolve(value)
        for value in settings.mappings.model_dump().values()
        if isinstance(value, Path)
    ]
    return [path, *named]


def fingerprint(paths: Iterable[Path]) -> str:
    """Return a digest of the files' contents; a missing file counts as empty."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(str(path).encode())
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"\0missing")

    return digest.hexdigest()


class ConfigWatcher:
    """Polls files in a background thread and calls back when their content changes."""

    def __init__(
        self,
        files: Callable[[], list[Path]],
        on_change: Callable[[], None],
        *,
        poll_seconds: float,
    ) -> None:
        self._files = files
        self._on_change = on_change
        self._poll_seconds = poll_seconds
        self._seen = fingerprint(files())
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._watch, name="sidos-config-watch", daemon=True
        )

    def start(self) -> None:
        """Start polling, unless polling is off (a period of 0)."""
        if self._poll_seconds > 0:
            self._thread.start()

    def stop(self) -> None:
        """Stop polling."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def remember(self) -> None:
        """Take the files as they are now as seen, after a reload they caused or not."""
        self._seen = fingerprint(self._files())

    def _watch(self) -> None:
        while not self._stop.wait(self._poll_seconds):
            current = fingerprint(self._files())
            if current != self._seen:
                self._seen = current
                self._on_change()


def _check_rules(settings: Settings) -> None:
    try:
        from mappings.classify import load_ruleset
    except ImportError:
        log.debug("service.rules_not_checked", reason="classification not installed")
        return
    try:
        load_ruleset(
            settings.resolve(settings.mappings.rules),
            settings.resolve(settings.mappings.overrides),
        )
    except ConfigError:
        raise
    except (OSError, ValueError) as exc:
        raise ConfigError.single(
            str(settings.resolve(settings.mappings.rules)),
            f"the rules could not be loaded ({type(exc).__name__})",
            hint="Run `sidos mappings check` to see the problem",
        ) from None
