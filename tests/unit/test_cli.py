"""`roleplay` with no command opens the app, and the app's options work without naming it."""

from __future__ import annotations

import sys
import types
from pathlib import Path
from typing import Any

import pytest

from roleplay.cli import build_parser, parse_args, parse_with
from roleplay.commands import app


def test_no_arguments_open_the_app_with_its_defaults() -> None:
    args = parse_args([])
    assert args.command == "app"
    assert args.run is app.run
    assert (args.model, args.scenario, args.resume, args.seed, args.rep, args.light) == (
        None,
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
            "--rep",
            "Sam Rivera",
            "--light",
        ]
    )
    assert args.command == "app"
    assert args.run is app.run
    assert args.model == "deterministic"
    assert args.scenario == "cfo-logistics-close"
    assert args.resume == Path("saved.json")
    assert args.seed == 7
    assert args.rep == "Sam Rivera"
    assert args.light is True


def test_without_the_command_they_parse_as_with_it() -> None:
    line = ["--model", "deterministic", "--seed", "3", "--rep", "Sam"]
    assert vars(parse_args(line)) == vars(parse_args(["app", *line]))


@pytest.mark.parametrize(
    "line",
    [
        [],
        ["--model", "deterministic", "--light"],
        ["--rep=Sam Rivera", "--seed", "7"],
        ["--mod", "deterministic"],  # an abbreviation argparse accepts
        ["app", "--scenario", "cfo-logistics-close"],
        ["--scenario", "list"],  # a command's name as an option's value
        ["validate", "scenarios"],
        ["list"],
    ],
)
def test_a_command_line_parses_as_with_every_command_registered(line: list[str]) -> None:
    # `roleplay` alone registers only the app's command (importing no other command module);
    # what it parses must be what the full parser gives.
    assert vars(parse_args(line)) == vars(parse_with(build_parser(), line))


@pytest.mark.parametrize("line", [["--hel"], ["--light", "-h"], ["app", "--light", "--help"]])
def test_help_lists_every_command_however_it_is_asked_for(
    line: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        parse_args(line)
    out = capsys.readouterr().out
    if line[0] == "app":
        assert out.startswith("usage: roleplay app [-h] [--model NAME]")
    else:
        assert "validate" in out and "simulate" in out


@pytest.mark.parametrize(
    ("line", "error"),
    [
        (["practise"], "invalid choice: 'practise'"),
        (["--rep", "-h"], "argument --rep: expected one argument"),
        (["--seed", "many"], "invalid int value: 'many'"),
    ],
)
def test_mistakes_are_reported_by_the_full_parser(
    line: list[str], error: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        parse_args(line)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: roleplay [-h] [--version]") and error in err


@pytest.mark.parametrize(
    "line", [["--model", "x", "validate"], ["--light", "app"], ["--rep", "Sam", "models"]]
)
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
        "--rep NAME",
        "--light",
    ):
        assert option in out
    assert "roleplay --model deterministic" in " ".join(out.split())


def test_a_bad_seed_is_reported_by_argparse(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse_args(["--seed", "many"])
    assert "invalid int value: 'many'" in capsys.readouterr().err


def fake_tui(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Stand in for `roleplay.tui.app` (no Textual here): record what `make_app` is given."""
    made: dict[str, Any] = {}

    class FakeApp:
        def run(self) -> None:
            made["ran"] = True

    def make_app(**options: Any) -> FakeApp:
        made.update(options)
        return FakeApp()

    module = types.ModuleType("roleplay.tui.app")
    module.DARK_THEME = "textual-dark"  # type: ignore[attr-defined]
    module.LIGHT_THEME = "textual-light"  # type: ignore[attr-defined]
    module.make_app = make_app  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "roleplay.tui.app", module)
    return made


def test_the_app_records_the_rep_named_by_the_option_or_the_config(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from roleplay.config import config_path

    made = fake_tui(monkeypatch)
    args = parse_args(["--rep", "Sam Rivera", "--model", "deterministic"])
    assert args.run(args) == 0
    assert made["ran"] and made["rep"] == "Sam Rivera" and made["model"] == "deterministic"

    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text("rep_name: Alex Kim\n")
    args = parse_args(["app"])
    args.run(args)
    assert made["rep"] == "Alex Kim"


LIBRARY_WARNING = """
import warnings
from roleplay.cli import quiet_library_warnings
quiet_library_warnings()
warnings.warn("TypedStorage is deprecated", UserWarning)
print("the buyer's reply")
"""


@pytest.mark.parametrize("log_to_file", [False, True])
def test_library_warnings_never_reach_the_terminal(tmp_path: Path, log_to_file: bool) -> None:
    import os
    import subprocess

    env = dict(os.environ, PYTHONWARNINGS="default")
    env.pop("ROLEPLAY_LOG", None)
    log = tmp_path / "roleplay.log"
    if log_to_file:
        env["ROLEPLAY_LOG"] = str(log)
    done = subprocess.run(
        [sys.executable, "-c", LIBRARY_WARNING], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout == "the buyer's reply\n"
    assert done.stderr == ""
    assert ("TypedStorage is deprecated" in log.read_text()) if log_to_file else not log.exists()
