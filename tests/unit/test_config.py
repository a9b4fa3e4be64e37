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


def test_an_unknown_setting_is_located_with_a_suggestion() -> None:
    path = write_config("rep_name: Sam\n\ndefualt_model: deterministic\n")
    with pytest.raises(InvalidFileError) as caught:
        configured_model()
    (problem,) = caught.value.problems
    assert (problem.file, problem.line, problem.column) == (str(path), 3, 1)
    assert problem.message == "unknown field 'defualt_model'; did you mean 'default_model'?"


def test_a_file_that_is_not_yaml_is_located() -> None:
    path = write_config("rep_name: Sam\ndefault_model: [deterministic\n")
    with pytest.raises(InvalidFileError) as caught:
        rep_name()
    (problem,) = caught.value.problems
    assert problem.file == str(path) and problem.line >= 2


def test_every_problem_is_reported_at_once() -> None:
    write_config("rep_name: 42\ndefault_model: {name: x}\n")
    with pytest.raises(InvalidFileError) as caught:
        rep_name()
    found = {(p.line, p.field, p.message) for p in caught.value.problems}
    assert found == {
        (1, "rep_name", "must be the rep's name, as text (got int)"),
        (2, "default_model", "must be a model card name (got dict)"),
    }


def test_a_key_given_twice_is_an_error() -> None:
    write_config("rep_name: Sam\nrep_name: Alex\n")
    with pytest.raises(InvalidFileError) as caught:
        rep_name()
    (problem,) = caught.value.problems
    assert problem.line == 2 and "rep_name" in problem.message


@pytest.mark.parametrize("text", ["", "# nothing set yet\n", "rep_name: '  '\ndefault_model:\n"])
def test_an_empty_file_or_blank_settings_leave_the_defaults(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(getpass, "getuser", lambda: "jsmith")
    write_config(text)
    assert configured_model() is None
    assert rep_name() == "jsmith"


def test_a_list_at_the_top_is_an_error() -> None:
    path = write_config("- rep_name: Sam\n")
    with pytest.raises(InvalidFileError, match="expected a mapping of settings") as caught:
        rep_name()
    assert caught.value.problems[0].file == str(path)
