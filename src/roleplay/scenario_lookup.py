"""Finding scenarios by id: the author's own folders first, then the shipped scenarios.

Every command that takes a scenario id resolves it here, so an id means the same scenario
from any working folder, and `roleplay list` can say where each one came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from roleplay import paths
from roleplay.errors import Problem, UsageError
from roleplay.paths import ScenarioFolder
from roleplay.scenario import Scenario, load_scenario, load_scenarios


@dataclass
class FoundScenarios:
    """The scenarios found in the scenario folders, where each came from, and the problems of
    the files that did not load."""

    scenarios: list[Scenario] = field(default_factory=list)
    origins: dict[str, ScenarioFolder] = field(default_factory=dict)
    """Per scenario id, the folder it was read from."""
    replaced: dict[str, Path] = field(default_factory=dict)
    """Per scenario id, the shipped file an author's file of the same id replaces."""
    problems: list[Problem] = field(default_factory=list)

    def get(self, scenario_id: str) -> Scenario | None:
        """The scenario with this id, if one loaded."""
        return next((s for s in self.scenarios if s.id == scenario_id), None)


def find_scenarios(folders: list[ScenarioFolder] | None = None) -> FoundScenarios:
    """Load the scenarios of every folder (default: `paths.scenario_folders()`).

    Ids are unique within the author's folders; an author's scenario with a shipped scenario's
    id replaces it (and `replaced` says so), so a customised copy can keep its id.
    """
    found = FoundScenarios()
    for folder in folders if folders is not None else paths.scenario_folders():
        if not folder.path.is_dir():
            found.problems.append(
                Problem(str(folder.path), 1, 1, "", f"no such folder ({folder.origin})")
            )
            continue
        scenarios, problems = load_scenarios([folder.path])
        found.problems.extend(problems)
        for scenario in scenarios:
            first = found.origins.get(scenario.id)
            if first is None:
                found.scenarios.append(scenario)
                found.origins[scenario.id] = folder
            elif folder.origin == paths.SHIPPED and scenario.source_path is not None:
                found.replaced[scenario.id] = scenario.source_path
            else:
                line, col = scenario._source.locate(("id",)) if scenario._source else (1, 1)
                other = found.get(scenario.id)
                where = other.source_path if other is not None else first.path
                message = f"duplicate scenario id '{scenario.id}' (also in {where})"
                found.problems.append(Problem(str(scenario.source_path), line, col, "id", message))
    return found


def find_scenario(name: str) -> Scenario:
    """A scenario by the path of its file, or by id among the scenario folders.

    Raises:
        UsageError: no scenario has that id (the message lists the known ids and where it
            looked).
        InvalidFileError: the file is invalid.
    """
    path = Path(name)
    if path.suffix in {".yaml", ".yml"} or path.is_file():
        return load_scenario(path)
    found = find_scenarios()
    scenario = found.get(name)
    if scenario is not None:
        return scenario
    known = ", ".join(sorted(s.id for s in found.scenarios)) or "none"
    where = ", ".join(str(folder.path) for folder in paths.scenario_folders())
    raise UsageError(
        f"no scenario '{name}' in {where} (known: {known}); give an id or a path to a file"
    )
