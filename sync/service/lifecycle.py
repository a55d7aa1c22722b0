"""The service from start to exit: startup, signals, reloads and a bounded shutdown.

Signals only queue a request; the main thread acts on it. SIGHUP asks for a reload.
SIGTERM and SIGINT ask for a shutdown: no new run starts, the run in progress is told
to stop after its batch in flight, and the process exits 0 once it has, or 1 if it
has not within ``service.shutdown_seconds``. A second SIGTERM or SIGINT exits at once.
Either way the next start finds the store consistent and resumes.
"""

from __future__ import annotations

import os
import queue
import signal
import threading
import time
from pathlib import Path
from types import FrameType

import structlog
from sqlalchemy.exc import SQLAlchemyError

from mappings.errors import ConfigError
from sync.service.http import EndpointServer
from sync.service.jobs import JobContext, JobRunner, Runner, load_runner, replica_name
from sync.service.locks import JobLocks, job_locks
from sync.service.metrics import ServiceMetrics
from sync.service.reload import ConfigWatcher, validate_config, watched_files
from sync.service.scheduler import Schedule
from sync.settings import Settings
from sync.state import StateStore, open_store

log = structlog.get_logger()

EXIT_CLEAN = 0
EXIT_UNCLEAN = 1
READY_CACHE_SECONDS = 2.0
# Settings read once at start; a reload that changes them asks for a restart.
RESTART_ONLY = (
    ("service", "host"),
    ("service", "port"),
    ("state", "url"),
    ("logging",),
)


class Service:
    """One replica of ``sidos serve``."""

    def __init__(
        self,
        config: Path,
        settings: Settings,
        *,
        host: str | None = None,
        port: int | None = None,
        runner: Runner | None = None,
    ) -> None:
        self.config_path = config
        self.settings = settings
        self.host = host if host is not None else settings.service.host
        self.port = port if port is not None else settings.service.port
        self.replica = replica_name()
        self._runner = runner
        self._requests: queue.SimpleQueue[tuple[str, str]] = queue.SimpleQueue()
        self._stopping = threading.Event()
        self._reload_refused = False
        self._ready_lock = threading.Lock()
        self._ready_at = float("-inf")
        self._store_ok = False

    def start(self) -> None:
        """Open the store, recover abandoned runs, serve the endpoints, schedule.

        Raises:
            SQLAlchemyError: the state store cannot be reached or upgraded.
            OSError: the HTTP address cannot be bound.
            ConfigError: the runner cannot be imported.
        """
        settings = self.settings
        self.store: StateStore = open_store(settings.state.url)
        try:
            self._start_parts(settings)
        except BaseException:
            self.store.close()
            raise
        log.info(
            "service.started",
            url=self.http.url,
            replica=self.replica,
            jobs=sorted(settings.service.jobs),
            store=self.store.engine.dialect.name,
        )

    def request_reload(self, trigger: str = "sighup") -> None:
        """Ask the main thread to reload the config; safe from a signal handler."""
        self._requests.put(("reload", trigger))

    def request_stop(self, reason: str = "requested") -> None:
        """Ask the main thread to shut down; safe from a signal handler."""
        self._requests.put(("stop", reason))

    def run(self) -> int:
        """Act on reload and stop requests until a stop; return the exit code."""
        while True:
            try:
                action, detail = self._requests.get(timeout=1.0)
            except queue.Empty:
                continue
            if action == "reload":
                self.reload(detail)
            else:
                return self.shutdown(detail)

    def reload(self, trigger: str) -> bool:
        """Validate the config on disk and apply it, or refuse it and keep the old.

        Returns:
            True if the new config was applied.
        """
        self.watcher.remember()
        try:
            settings = validate_config(self.config_path)
        except ConfigError as exc:
            self._refuse(exc, trigger)
            return False
        runner = self._runner or load_runner(settings.service.runner)
        restart = _restart_only_changes(self.settings, settings)
        self.settings = settings
        self.jobs.context = JobContext(settings, runner)
        changes = self.schedule.apply(settings.service)
        self.metrics.prepare(settings.service.jobs)
        self.metrics.record_reload(applied=True)
        self._reload_refused = False
        log.info("service.reloaded", trigger=trigger, **changes)
        if restart:
            log.warning("service.reload_needs_restart", settings=restart)
        return True

    def readiness(self) -> tuple[bool, str]:
        """Tell whether the service can do its work, with a one-line reason."""
        if self._stopping.is_set():
            return False, "shutting down"
        if not self.schedule.running:
            return False, "the scheduler is not running"
        if not self._store_reachable():
            return False, "the state store does not answer"
        if self._reload_refused:
            return True, "running the last good config; the file on disk was refused"
        return True, "config valid, scheduler running, state store reachable"

    def shutdown(self, reason: str) -> int:
        """Stop scheduling, let the run in flight finish its batch, and close.

        Returns:
            0 if every run stopped within ``service.shutdown_seconds``, else 1.
        """
        bound = self.settings.service.shutdown_seconds
        log.info("service.stopping", reason=reason, bound_seconds=bound)
        self._stopping.set()
        self.watcher.stop()
        self.schedule.shutdown()
        self.jobs.stop_all()
        started = time.monotonic()
        idle = self.jobs.wait_idle(bound)
        self.http.stop()
        self.locks.close()
        if not idle:
            log.error("service.shutdown_timed_out", bound_seconds=bound)
            return EXIT_UNCLEAN
        self.store.close()
        log.info("service.stopped", seconds=round(time.monotonic() - started, 3))
        return EXIT_CLEAN

    def _start_parts(self, settings: Settings) -> None:
        service = settings.service
        runner = self._runner or load_runner(service.runner)
        self.locks: JobLocks = job_locks(self.store.engine)
        self.metrics = ServiceMetrics(settings.crm.name)
        self.metrics.watch_store(self.store)
        self.metrics.prepare(service.jobs)
        self.jobs = JobRunner(
            JobContext(settings, runner),
            store=self.store,
            locks=self.locks,
            metrics=self.metrics,
            replica=self.replica,
        )
        self.jobs.recover(service.jobs)
        self.http = EndpointServer(
            self.host,
            self.port,
            registry=self.metrics.registry,
            readiness=self.readiness,
        )
        self.http.start()
        self.schedule = Schedule(self.jobs.fire, service)
        self.schedule.start(service)
        self.watcher = ConfigWatcher(
            lambda: watched_files(self.config_path, self.settings),
            lambda: self.request_reload("file_changed"),
            poll_seconds=service.reload_poll_seconds,
        )
        self.watcher.start()

    def _refuse(self, exc: ConfigError, trigger: str) -> None:
        first = exc.problems[0] if exc.problems else None
        where = f"{first.path}:{first.line}" if first else str(self.config_path)
        self._reload_refused = True
        self.metrics.record_reload(applied=False)
        log.error(
            "service.reload_refused",
            trigger=trigger,
            problems=len(exc.problems),
            first=where,
            action="kept the last good config; fix the file to reload",
        )

    def _store_reachable(self) -> bool:
        with self._ready_lock:
            if time.monotonic() - self._ready_at >= READY_CACHE_SECONDS:
                self._store_ok = _ping(self.store)
                self._ready_at = time.monotonic()
            return self._store_ok


def install_signal_handlers(service: Service) -> None:
    """Route SIGTERM and SIGINT to a shutdown and SIGHUP to a reload.

    A second SIGTERM or SIGINT during a shutdown ends the process at once.
    """
    stop_requested = threading.Event()

    def on_stop(signum: int, _frame: FrameType | None) -> None:
        if stop_requested.is_set():
            os._exit(EXIT_UNCLEAN)
        stop_requested.set()
        service.request_stop(signal.Signals(signum).name)

    def on_hangup(_signum: int, _frame: FrameType | None) -> None:
        service.request_reload("sighup")

    signal.signal(signal.SIGTERM, on_stop)
    signal.signal(signal.SIGINT, on_stop)
    signal.signal(signal.SIGHUP, on_hangup)


def _ping(store: StateStore) -> bool:
    try:
        with store.engine.connect() as db:
            db.exec_driver_sql("SELECT 1")
    except SQLAlchemyError:
        return False
    return True


def _restart_only_changes(old: Settings, new: Settings) -> list[str]:
    old_values, new_values = old.model_dump(), new.model_dump()
    changed = []
    for path in RESTART_ONLY:
        before, after = old_values, new_values
        for key in path:
            before, after = before[key], after[key]
        if before != after:
            changed.append(".".join(path))

    return changed
