"""The one place YAML is read and written.

Files are read with PyYAML's safe loader while keeping the line and column of every key and
item, so a validation error deep in a scenario can point at the exact place in the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from roleplay.errors import InvalidFileError, Problem
from roleplay.files import MAX_FILE_BYTES as MAX_FILE_BYTES
from roleplay.files import read_text as read_text

MAX_NESTING = 50
"""The deepest nesting of lists and mappings a file may have. Scenarios use about 6 levels;
the limit keeps a hostile file from exhausting Python's recursion (about 500 levels crashed)."""

MAX_EXPANDED_NODES = 50_000
"""The most values a file may hold once its aliases (`*name`) are expanded. A scenario holds
about 500; a few nested anchors (an "alias bomb") would otherwise expand to billions."""

Location = tuple[int, int]
PathKey = tuple[str | int, ...]


@dataclass
class LoadedYaml:
    """A parsed YAML document and where each of its parts stands in the file."""

    path: Path
    data: Any
    text: str
    locations: dict[PathKey, Location] = field(default_factory=dict)
    duplicate_keys: list[Problem] = field(default_factory=list)

    def locate(self, path: PathKey) -> Location:
        """Line and column (1-based) of the deepest known node on `path`."""
        for end in range(len(path), -1, -1):
            found = self.locations.get(tuple(path[:end]))
            if found is not None:
                return found
        return (1, 1)


class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing nesting deeper than `MAX_NESTING` while scanning and
    composing (its composer recurses once per level)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def fetch_flow_collection_start(self, token_class: Any) -> None:
        # The scanner looks up to 1,024 characters ahead for each open `[` or `{` (any may
        # start a key), which is quadratic in the depth: stop before it matters.
        if self.flow_level >= MAX_NESTING:
            raise yaml.scanner.ScannerError(
                None,
                None,
                f"nested more than {MAX_NESTING} levels deep; flatten the file",
                self.get_mark(),
            )
        super().fetch_flow_collection_start(token_class)

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_NESTING:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise yaml.composer.ComposerError(
                    None,
                    None,
                    f"nested more than {MAX_NESTING} levels deep; flatten the file",
                    mark,
                )
            node: yaml.Node | None = super().compose_node(parent, index)
            return node
        finally:
            self._depth -= 1


def _alias_problem(root: yaml.Node) -> tuple[str, yaml.Node] | None:
    """Why the document's aliases cannot be expanded (a cycle, or more than
    `MAX_EXPANDED_NODES` values), with the node where that shows; None when they can.

    Shared nodes are sized once, so the check takes time in the file's size, not in the
    expansion's.
    """
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        children: list[yaml.Node] = []
        if isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        if children_done:
            on_path.discard(key)
            sizes[key] = 1 + sum(sizes[id(c)] for c in children)
            if sizes[key] > MAX_EXPANDED_NODES:
                return (
                    f"aliases expand to more than {MAX_EXPANDED_NODES:,} values; "
                    "an anchor is repeated too often (an 'alias bomb')",
                    node,
                )
            continue
        if key in sizes:
            continue
        on_path.add(key)
        stack.append((node, True))
        for child in children:
            if id(child) in on_path:
                return ("an alias refers to the list or mapping that contains it", child)
            if id(child) not in sizes:
                stack.append((child, False))
    return None


def _mark(node: yaml.Node) -> Location:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def _walk(
    node: yaml.Node, at: PathKey, out: dict[PathKey, Location], dupes: list[Problem], name: str
) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                line, col = _mark(key_node)
                dotted = ".".join(str(p) for p in (*at, key))
                dupes.append(Problem(name, line, col, dotted, f"duplicate key '{key}'"))
            seen.add(key)
            out[(*at, key)] = _mark(key_node)
            _walk(value_node, (*at, key), out, dupes, name)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            out[(*at, index)] = _mark(item)
            _walk(item, (*at, index), out, dupes, name)


def load_yaml(path: Path, display_name: str | None = None) -> LoadedYaml:
    """Parse one YAML file safely, recording the location of every key and list item.

    Raises:
        InvalidFileError: the file is missing, too large, not UTF-8, empty or not valid YAML.
    """
    name = display_name or str(path)
    try:
        text = read_text(path)
    except InvalidFileError as exc:
        raise InvalidFileError([replace(p, file=name) for p in exc.problems]) from None
    if not text.strip():
        raise InvalidFileError.single(name, "file is empty")
    try:
        loader = _BoundedLoader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                raise InvalidFileError.single(name, "file has no content, only comments")
            aliases = _alias_problem(node)
            if aliases is not None:
                line, col = _mark(aliases[1])
                raise InvalidFileError.single(name, aliases[0], line, col)
            data = loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "invalid YAML"
        if exc.context and exc.context_mark is not None:
            # "found unexpected end of stream" at the last line helps nobody: point at
            # where the unfinished thing (a quoted string, a list) started.
            start = exc.context_mark
            problem = f"{problem} ({exc.context} started at line {start.line + 1})"
            if "end of stream" in (exc.problem or ""):
                mark = start
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        if "\t" in text and "cannot start any token" in problem:
            problem = "tab character used for indentation; indent with spaces"
        raise InvalidFileError.single(name, f"invalid YAML: {problem}", line, col) from None
    except yaml.YAMLError as exc:
        raise InvalidFileError.single(name, f"invalid YAML: {exc}") from None
    locations: dict[PathKey, Location] = {(): _mark(node)}
    dupes: list[Problem] = []
    _walk(node, (), locations, dupes, name)
    return LoadedYaml(Path(path), data, text, locations, dupes)


def dump_yaml(data: Any) -> str:
    """YAML text for `data`, keys in their given order, readable by a person."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def iter_yaml_files(directory: Path) -> Iterator[Path]:
    """The `.yaml` and `.yml` files directly inside `directory`, sorted by name."""
    yield from sorted(p for p in directory.iterdir() if p.suffix in {".yaml", ".yml"})


def pydantic_problems(
    exc: Any, loaded: LoadedYaml, name: str, model_fields: dict[PathKey, list[str]] | None = None
) -> list[Problem]:
    """Turn a pydantic `ValidationError` into located problems, one per error.

    Unknown keys get a "did you mean" when a known field is close; `model_fields` maps a
    location (with list indices removed) to the field names allowed there.
    """
    import difflib

    problems: list[Problem] = []
    for error in exc.errors():
        loc: PathKey = tuple(error["loc"])
        line, col = loaded.locate(loc)
        dotted = ".".join(str(p) for p in loc)
        message = str(error["msg"])
        if error["type"] == "extra_forbidden" and model_fields is not None:
            parent = tuple(p for p in loc[:-1] if not isinstance(p, int))
            allowed = model_fields.get(parent, [])
            close = difflib.get_close_matches(str(loc[-1]), allowed, n=1, cutoff=0.6)
            message = f"unknown field '{loc[-1]}'"
            if close:
                message += f"; did you mean '{close[0]}'?"
        elif error["type"] == "missing":
            message = f"missing required field '{loc[-1]}'"
            parent_loc = loc[:-1]
            line, col = loaded.locate(parent_loc)
        elif "input" in error and error["type"].endswith("_type"):
            message = f"{message} (got {type(error['input']).__name__})"
        problems.append(Problem(name, line, col, dotted, message))
    return problems


def field_map(model: Any) -> dict[PathKey, list[str]]:
    """For each nested pydantic model reachable from `model`, the field names it allows."""
    from typing import get_args

    from pydantic import BaseModel

    out: dict[PathKey, list[str]] = {}

    def visit(cls: type[BaseModel], at: PathKey, depth: int) -> None:
        if depth > 6:
            return
        out[at] = list(cls.model_fields)
        for fname, finfo in cls.model_fields.items():
            stack: list[Any] = [finfo.annotation]
            while stack:
                tp = stack.pop()
                if isinstance(tp, type) and issubclass(tp, BaseModel):
                    visit(tp, (*at, fname), depth + 1)
                else:
                    stack.extend(get_args(tp))

    visit(model, (), 0)
    return out


def load_model(path: Path, model: Any, display_name: str | None = None) -> Any:
    """Read `path` as YAML and validate it as pydantic `model`, reporting every problem at once.

    Raises:
        InvalidFileError: listing every problem with its file, line, column and field.
    """
    from pydantic import ValidationError

    name = display_name or str(path)
    loaded = load_yaml(path, name)
    if not isinstance(loaded.data, dict):
        kind = type(loaded.data).__name__
        raise InvalidFileError.single(name, f"expected a mapping of fields at the top, got {kind}")
    problems = list(loaded.duplicate_keys)
    try:
        value = model.model_validate(loaded.data)
    except ValidationError as exc:
        problems.extend(pydantic_problems(exc, loaded, name, field_map(model)))
        raise InvalidFileError(problems) from None
    if problems:
        raise InvalidFileError(problems)
    value._source = loaded
    return value
