"""The CRM token: from the environment, or from a secret file it names."""

from __future__ import annotations

from pathlib import Path

import pytest

from mappings.errors import ConfigError
from sync.settings import load_settings

SECRET_FILE_TOKEN = "pat-eu1-from-a-mounted-secret-file"


def settings_file(tmp_path: Path) -> Path:
    """Write a minimal settings file and return its path."""
    path = tmp_path / "sidos.yaml"
    path.write_text("crm:\n  base_url: http://127.0.0.1:8765\n", encoding="utf-8")
    return path


def test_token_file_named_in_the_environment_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A container secret's file gives the token, its trailing newline dropped."""
    secret = tmp_path / "sidos_crm_token"
    secret.write_text(SECRET_FILE_TOKEN + "\n", encoding="utf-8")
    monkeypatch.delenv("SIDOS_CRM__TOKEN", raising=False)
    monkeypatch.setenv("SIDOS_CRM__TOKEN_FILE", str(secret))

    settings = load_settings(settings_file(tmp_path))

    assert settings.crm.token is not None
    assert settings.crm.token.get_secret_value() == SECRET_FILE_TOKEN


def test_token_in_the_environment_wins_over_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIDOS_CRM__TOKEN is used as it is; the file is not read."""
    monkeypatch.setenv("SIDOS_CRM__TOKEN", "pat-eu1-from-the-environment")
    monkeypatch.setenv("SIDOS_CRM__TOKEN_FILE", str(tmp_path / "absent"))

    settings = load_settings(settings_file(tmp_path))

    assert settings.crm.token is not None
    assert settings.crm.token.get_secret_value() == "pat-eu1-from-the-environment"


def test_missing_token_file_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A token file that cannot be read stops with its path and the remedy."""
    monkeypatch.delenv("SIDOS_CRM__TOKEN", raising=False)
    monkeypatch.setenv("SIDOS_CRM__TOKEN_FILE", str(tmp_path / "absent"))

    with pytest.raises(ConfigError) as raised:
        load_settings(settings_file(tmp_path))

    message = str(raised.value)
    assert "absent" in message and "SIDOS_CRM__TOKEN_FILE" in message
