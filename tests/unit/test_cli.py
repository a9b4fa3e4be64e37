"""`roleplay` with no command opens the app, and the app's options work without naming it."""

from __future__ import annotations

from pathlib import Path

import pytest

from roleplay.cli import parse_args
from roleplay.commands import app


def test_no_arguments_open_the_app_with_its_defaults() -> None:
    args = parse_args([])
    assert args.command == "app"
    assert args.run is app.run
    assert (args.model, args.scenario, args.resume, args.seed, args.light) == (
        None,
        None,
        None,
        None,
        False,
    )


def test_the_apps_options_work_without_the_command() -> None:
    args = parse_args(
        [
            "--model",
            "deterministic",
            "--scenario",
            "cfo-logistics-close",
            "--resume",
            "saved.json",
            "--seed",
            "7",
            "--light",
        ]
    )
    assert args.command == "app"
    assert args.run is app.run
    assert args.model == "deterministic"
    assert args.scenario == "cfo-logistics-close"
    assert args.resume == Path("saved.json")
    assert args.seed == 7
    assert args.light is True


def test_without_the_command_they_parse_as_with_it() -> None:
    line = ["--model", "deterministic", "--seed", "3"]
    assert vars(parse_args(line)) == vars(parse_args(["app", *line]))


@pytest.mark.parametrize("line", [["--model", "x", "validate"], ["--light", "app"]])
def test_app_options_before_a_command_are_an_error_not_ignored(
    line: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        parse_args(line)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert f"{line[0]}: an option of `app`" in err


def test_help_names_the_apps_options_and_says_when_they_apply(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        parse_args(["--help"])
    out = capsys.readouterr().out
    assert "options of `app`, for use without a command" in out
    for option in (
        "--model NAME",
        "--scenario ID",
        "--resume TRANSCRIPT",
        "--seed SEED",
        "--light",
    ):
        assert option in out
    assert "roleplay --model deterministic" in " ".join(out.split())


def test_a_bad_seed_is_reported_by_argparse(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse_args(["--seed", "many"])
    assert "invalid int value: 'many'" in capsys.readouterr().err
