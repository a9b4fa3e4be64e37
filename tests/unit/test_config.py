"""The rep's config file: `default_model` and `rep_name`, and who the rep is by default."""

from __future__ import annotations

import getpass
from pathlib import Path

import pytest

from roleplay.buyer.cards import selected_model
from roleplay.config import config_path, configured_model, rep_name
from roleplay.errors import InvalidFileError


def write_config(text: str) -> Path:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_the_rep_is_named_by_the_option_then_the_config_then_the_login(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(getpass, "getuser", lambda: "jsmith")
    assert rep_name() == "jsmith"
    write_config("default_model: deterministic\nrep_name: '  Sam Rivera '\n")
    assert rep_name() == "Sam Rivera"
    assert rep_name("  Alex Kim ") == "Alex Kim"
    assert rep_name("   ") == "Sam Rivera"


def test_no_login_name_leaves_the_rep_unnamed(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_user() -> str:
        raise OSError("no login name")

    monkeypatch.setattr(getpass, "getuser", no_user)
    assert rep_name() == ""


def test_the_config_file_still_selects_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ROLEPLAY_MODEL", raising=False)
    assert configured_model() is None
    write_config("rep_name: Sam\ndefault_model: deterministic\n")
    assert configured_model() == "deterministic"
    assert selected_model() == "deterministic"
    assert selected_model("smollm2-135m") == "smollm2-135m"


def test_a_rep_name_that_is_not_text_is_located() -> None:
    path = write_config("default_model: deterministic\nrep_name: [Sam]\n")
    with pytest.raises(InvalidFileError) as caught:
        rep_name()
    (problem,) = caught.value.problems
    assert (problem.file, problem.line, problem.field) == (str(path), 2, "rep_name")
    assert "the rep's name" in problem.message
