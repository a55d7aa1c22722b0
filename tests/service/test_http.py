"""The endpoints: /healthz, /readyz and /metrics, as documented."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from sync.service.lifecycle import Service
from sync.service.reload import validate_config
from sync.state import StateStore
from sync.state.engine import create_state_engine
from tests.service.conftest import WriteConfig

METRICS = (
    "sidos_runs_total",
    "sidos_run_duration_seconds_bucket",
    "sidos_job_skips_total",
    "sidos_records_pulled_total",
    "sidos_operations_applied_total",
    "sidos_operations_failed_total",
    "sidos_api_calls_total",
    "sidos_api_rate_limited_total",
    "sidos_dead_letters",
    "sidos_pending_reviews",
    "sidos_last_success_timestamp_seconds",
    "sidos_state_store_up",
    "sidos_config_reload_refused",
)


@pytest.fixture
def service(
    write_config: WriteConfig, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Service]:
    monkeypatch.setenv("SIDOS_TEST_BATCHES", "1")
    monkeypatch.setenv("SIDOS_TEST_BATCH_SECONDS", "0.01")
    path = write_config(sqlite_url, {"sync": {"every": "1s"}})
    service = Service(path, validate_config(path))
    service.start()
    yield service
    service.shutdown("test over")


def get(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            body = answer.read().decode()
            return answer.status, answer.headers["Content-Type"], body
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read().decode()


def test_healthz_answers_ok(service: Service) -> None:
    """/healthz says the process is alive, in plain text."""
    status, content_type, body = get(service.http.url + "/healthz")

    assert (status, body) == (200, "ok\n")
    assert content_type == "text/plain; charset=utf-8"


def test_readyz_answers_ready_with_reason(service: Service) -> None:
    """/readyz is 200 when config, scheduler and store are fine."""
    status, content_type, body = get(service.http.url + "/readyz")

    assert status == 200
    assert content_type.startswith("text/plain")
    assert body.startswith("ready: config valid")


def test_readyz_is_503_when_the_store_does_not_answer(
    service: Service, tmp_path: Path
) -> None:
    """An unreachable state store makes /readyz 503 with a short reason."""
    service.store.close()
    service.store = StateStore(create_state_engine(f"sqlite:///{tmp_path}/no/such.db"))
    service._ready_at = float("-inf")

    status, _, body = get(service.http.url + "/readyz")

    assert (status, body) == (503, "not ready: the state store does not answer\n")


def test_metrics_expose_run_figures(service: Service) -> None:
    """/metrics is Prometheus text holding every documented metric name."""
    _wait_for_a_run(service)

    status, content_type, body = get(service.http.url + "/metrics")

    assert status == 200
    assert content_type.startswith("text/plain; version=")
    missing = [name for name in METRICS if name not in body]
    assert missing == []
    assert 'sidos_runs_total{job="sync",outcome="succeeded"}' in body


def test_metrics_hold_no_personal_or_secret_data(service: Service) -> None:
    """Nothing in /metrics looks like an e-mail address or a token."""
    _wait_for_a_run(service)

    _, _, body = get(service.http.url + "/metrics")

    assert "@" not in body
    assert "pat-" not in body


def test_unknown_path_is_404(service: Service) -> None:
    """Other paths answer 404 naming the endpoints that exist."""
    status, _, body = get(service.http.url + "/admin")

    assert status == 404
    assert "/healthz" in body


def _wait_for_a_run(service: Service) -> None:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if service.jobs.slots.last_success():
            return
        time.sleep(0.05)
    raise AssertionError("no run succeeded within 5 s")
