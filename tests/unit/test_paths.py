"""Where roleplay keeps the rep's files and its caches: the platform's folders (platformdirs),
the environment variables that override them, and the folders older versions made."""

from __future__ import annotations

from pathlib import Path

import pytest

from roleplay import paths


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh home folder, no override set, and no cache left in the checkout."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for name in ("ROLEPLAY_HOME", "ROLEPLAY_CACHE", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(paths, "LEGACY_CACHE", tmp_path / "checkout" / "models" / ".cache")
    return home


def test_a_new_user_gets_the_platform_folders(home: Path) -> None:
    assert paths.data_dir() == home / ".local" / "share" / "roleplay"
    assert paths.cache_dir() == home / ".cache" / "roleplay"
    assert paths.transcripts_dir() == home / ".local" / "share" / "roleplay" / "transcripts"
    assert paths.data_dir_label() == "~/.local/share/roleplay"
    (folder,) = paths.user_scenarios_dirs()
    assert folder.origin == "~/.local/share/roleplay/scenarios"


def test_the_platform_variables_are_followed(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert paths.data_dir() == tmp_path / "data" / "roleplay"
    assert paths.cache_dir() == tmp_path / "cache" / "roleplay"


def test_roleplay_variables_override_everything(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (home / ".roleplay").mkdir()
    paths.LEGACY_CACHE.mkdir(parents=True)
    (paths.LEGACY_CACHE / "converted").mkdir()
    monkeypatch.setenv("ROLEPLAY_HOME", str(tmp_path / "mine"))
    monkeypatch.setenv("ROLEPLAY_CACHE", str(tmp_path / "shared-cache"))
    assert paths.data_dir() == tmp_path / "mine"
    assert paths.cache_dir() == tmp_path / "shared-cache"
    assert paths.data_dir_label() == "$ROLEPLAY_HOME"


def test_an_older_users_folders_are_still_found_where_they_are(home: Path) -> None:
    (home / ".roleplay" / "transcripts").mkdir(parents=True)
    converted = paths.LEGACY_CACHE / "SmolLM2-135M-Instruct-abc123"
    converted.mkdir(parents=True)
    assert paths.data_dir() == home / ".roleplay"
    assert paths.data_dir_label() == "~/.roleplay"
    assert paths.cache_dir() == paths.LEGACY_CACHE
    assert converted.is_dir()  # found, not moved


def test_an_empty_cache_folder_in_the_checkout_is_not_used(home: Path) -> None:
    paths.LEGACY_CACHE.mkdir(parents=True)
    assert paths.cache_dir() == home / ".cache" / "roleplay"
