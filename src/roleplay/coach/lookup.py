"""Finding what a transcript was practised against: its scenario file and its metrics."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from roleplay import paths
from roleplay.errors import RoleplayError
from roleplay.rubric import Rubric, load_rubric
from roleplay.scenario import Scenario, load_scenario, load_scenarios
from roleplay.scenario_lookup import find_scenarios
from roleplay.transcript import Transcript

if TYPE_CHECKING:
    from roleplay.scoring.metrics import ConversationMetrics

log = logging.getLogger(__name__)


class ScenarioNotFoundError(RoleplayError):
    """The scenario a transcript names is not among the scenario files."""

    title = "Scenario not found"


def find_scenario(scenario_id: str, places: Iterable[Path] | None = None) -> Scenario | None:
    """The scenario with this id among `places` (files or folders; default: the scenario
    folders, as `roleplay list` shows them), or None when no valid scenario file has it."""
    if places is None:
        return _folders_index(tuple(paths.scenario_folders())).get(scenario_id)
    key = tuple(sorted(str(p) for p in places))
    return _scenario_index(key).get(scenario_id)


@lru_cache(maxsize=4)
def _folders_index(folders: tuple[paths.ScenarioFolder, ...]) -> dict[str, Scenario]:
    found = find_scenarios(list(folders))
    if found.problems:
        log.info("some scenario files did not load: %s", "; ".join(map(str, found.problems)))
    return {s.id: s for s in found.scenarios}


@lru_cache(maxsize=16)
def _scenario_index(places: tuple[str, ...]) -> dict[str, Scenario]:
    scenarios, problems = load_scenarios([Path(p) for p in places if Path(p).exists()])
    if problems:
        log.info("some scenario files did not load: %s", "; ".join(map(str, problems)))
    return {s.id: s for s in scenarios}


def scenario_for(transcript: Transcript, scenario_path: Path | None = None) -> Scenario | None:
    """The scenario a transcript was practised on: from `scenario_path` if given (a file must
    have the transcript's scenario id), else looked up by id in the scenarios folder.

    Raises:
        InvalidFileError: `scenario_path` is not a valid scenario file.
        ScenarioNotFoundError: `scenario_path` holds a different scenario.
    """
    if scenario_path is None:
        return find_scenario(transcript.scenario_id)
    if scenario_path.is_dir():
        return find_scenario(transcript.scenario_id, [scenario_path])
    scenario = load_scenario(scenario_path)
    if scenario.id != transcript.scenario_id:
        raise ScenarioNotFoundError(
            f"{scenario_path}: holds scenario '{scenario.id}', "
            f"but the transcript practised '{transcript.scenario_id}'"
        )
    return scenario


def require_scenario(transcript: Transcript, scenario_path: Path | None = None) -> Scenario:
    """Like `scenario_for`, but a missing scenario is an error that says where it looked."""
    scenario = scenario_for(transcript, scenario_path)
    if scenario is None:
        where = scenario_path or ", ".join(str(f.path) for f in paths.scenario_folders())
        raise ScenarioNotFoundError(
            f"scenario '{transcript.scenario_id}' not found in {where}; "
            "pass the scenario file with --scenario PATH"
        )
    return scenario


def scenario_changed(transcript: Transcript, scenario: Scenario) -> bool:
    """Whether the scenario file changed since the conversation was practised."""
    return bool(transcript.scenario_hash) and transcript.scenario_hash != scenario.content_hash()


def metrics_for(transcript: Transcript, scenario: Scenario | None) -> ConversationMetrics | None:
    """The conversation metrics, or None without a scenario to measure against."""
    if scenario is None:
        return None
    from roleplay.scoring.metrics import conversation_metrics

    return conversation_metrics(transcript, scenario)


def rubric_for(transcript: Transcript, rubric_path: Path | None = None) -> Rubric:
    """The rubric to score a transcript's new turns with: `rubric_path` if given, else the
    rubric file named by the transcript's rubric id in the rubrics folder, else the default.

    Raises:
        InvalidFileError: the rubric file is invalid.
    """
    if rubric_path is not None:
        return load_rubric(rubric_path)
    return rubric_with_id(transcript.rubric_id)


def rubric_with_id(rubric_id: str) -> Rubric:
    """The rubric file named by `rubric_id` in the rubrics folder, else the default rubric."""
    return rubric_named(rubric_id, str(paths.rubrics_dir()))


@lru_cache(maxsize=16)
def rubric_named(rubric_id: str, folder: str) -> Rubric:
    """The rubric file `rubric_id`.yaml in `folder`, else the default rubric (read once)."""
    named = Path(folder) / f"{rubric_id}.yaml"
    return load_rubric(named if named.is_file() else paths.default_rubric())
