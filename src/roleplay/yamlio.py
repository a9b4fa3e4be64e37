"""The one place YAML is read and written.

Files are read with PyYAML's safe loader while keeping the line and column of every key and
item, so a validation error deep in a scenario can point at the exact place in the file. A
well-formed file is parsed by libyaml (PyYAML's C parser, about 15 times faster: the app lists
the scenarios sooner); any file it refuses, or that comes near the limits below, is read again
by the pure-Python loader, whose messages say what is wrong.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from roleplay.errors import InvalidFileError, Problem
from roleplay.files import MAX_FILE_BYTES as MAX_FILE_BYTES
from roleplay.files import iter_yaml_files as iter_yaml_files
from roleplay.files import read_text as read_text
from roleplay.files import write_atomic

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
    recovered: list[Problem] = field(default_factory=list)
    """Problems the reader worked around to read the rest of the file (tabs in indentation);
    the file is still invalid, but every other problem in it can be reported in the same run."""

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


def _children(node: yaml.Node) -> list[yaml.Node]:
    """The keys and values of a mapping node, the items of a sequence node; none for a scalar."""
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


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
        children = _children(node)
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


TAB_WIDTHS = (2, 4, 8)
"""Indent widths tried, in order, when reading past tabs: the first that parses is used."""

_TAB_MESSAGE = "tab character used for indentation; indent with spaces"


def _leading_tabs(text: str, name: str) -> list[Problem]:
    """A problem for every line whose indentation holds a tab."""
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            problems.append(Problem(name, number, indent.index("\t") + 1, "", _TAB_MESSAGE))
    return problems


def _untabbed(text: str, width: int) -> str:
    """`text` with each tab in a line's indentation replaced by `width` spaces."""

    def expand(match: re.Match[str]) -> str:
        return match.group(0).replace("\t", " " * width)

    return re.sub(r"^[ \t]+", expand, text, flags=re.MULTILINE)


def _misaligned_neighbour(text: str, line: int, col: int) -> tuple[int, int] | None:
    """The nearest line above `line` that starts one or two columns away from `col`: the
    sibling a mis-indented key or list item was meant to line up with."""
    lines = text.splitlines()
    for number in range(min(line, len(lines)) - 1, 0, -1):
        above = lines[number - 1]
        content = above.lstrip(" ")
        if not content or content.startswith("#"):
            continue
        start = len(above) - len(content) + 1
        if start != col and abs(start - col) <= 2:
            return number, start
    return None


def _describe(exc: yaml.MarkedYAMLError, text: str) -> tuple[str, int, int]:
    """A message a person can act on for a YAML syntax error, with its line and column."""
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or "invalid YAML"
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    start = exc.context_mark
    if problem.startswith("expected <block end>"):
        neighbour = _misaligned_neighbour(text, line, col)
        where = (
            f"this line starts in column {col}, but line {neighbour[0]} above it starts in "
            f"column {neighbour[1]}"
            if neighbour
            else "this line is indented differently from the lines above it"
        )
        return (
            f"{where}; keys of one mapping, and the '-' of items of one list, must start in "
            "the same column",
            line,
            col,
        )
    if problem == "mapping values are not allowed here":
        return (
            "unexpected ':' here; if the value contains ': ', put it in quotes, and if this "
            "line starts a new key, indent it like the keys above it",
            line,
            col,
        )
    if problem.startswith("could not find expected ':'"):
        return (
            "expected 'key: value' on this line; a value that runs over several lines needs "
            "quotes or '>-', and each line of it must be indented",
            line,
            col,
        )
    if exc.context and start is not None:
        # "found unexpected end of stream" at the last line helps nobody: point at
        # where the unfinished thing (a quoted string, a list) started.
        problem = f"{problem} ({exc.context} started at line {start.line + 1})"
        if "end of stream" in (exc.problem or ""):
            line, col = start.line + 1, start.column + 1
    if "\t" in text and "cannot start any token" in problem:
        problem = _TAB_MESSAGE
    return problem, line, col


def _height(root: yaml.Node) -> int:
    """How many levels deep the node tree goes (a lone scalar: 1). The tree must hold no alias
    cycle (`_alias_problem`); shared nodes are measured once."""
    heights: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if children_done:
            heights[id(node)] = 1 + max((heights[id(c)] for c in _children(node)), default=0)
        elif id(node) not in heights:
            stack.append((node, True))
            stack.extend((c, False) for c in _children(node) if id(c) not in heights)
    return heights[id(root)]


_FastLoader: Any = getattr(yaml, "CSafeLoader", None)
"""PyYAML's safe loader on libyaml's parser, when PyYAML was built with it."""


def _parse_fast(text: str) -> yaml.Node | None:
    """The document's node tree as parsed by libyaml, or None when the pure-Python loader must
    read the text: libyaml is missing or refuses it, the text holds a tab, a byte-order mark or
    a character YAML forbids (where the two parsers' marks or verdicts could differ), or the
    tree comes near the nesting or alias limits. libyaml stops at 1,000 levels by itself, so
    its (C) recursion is bounded too."""
    if (
        _FastLoader is None
        or "\t" in text
        or text.startswith("\ufeff")
        or yaml.reader.Reader.NON_PRINTABLE.search(text)
    ):
        return None
    loader = _FastLoader(text)
    try:
        node: yaml.Node | None = loader.get_single_node()
    except yaml.YAMLError:
        return None
    finally:
        loader.dispose()
    if node is None or _alias_problem(node) is not None or _height(node) >= MAX_NESTING:
        return None
    return node


def _parse(text: str, name: str) -> yaml.Node:
    """The document's node tree, within the nesting and alias limits.

    Raises:
        InvalidFileError: the text is not valid YAML (with a message a person can act on).
    """
    fast = _parse_fast(text)
    return fast if fast is not None else _parse_carefully(text, name)


def _parse_carefully(text: str, name: str) -> yaml.Node:
    """`_parse` by the pure-Python loader, which bounds the nesting as it reads and explains
    what is wrong in a way a person can act on."""
    try:
        loader = _BoundedLoader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        message, line, col = _describe(exc, text)
        raise InvalidFileError.single(name, f"invalid YAML: {message}", line, col) from None
    except yaml.YAMLError as exc:
        raise InvalidFileError.single(name, f"invalid YAML: {exc}") from None
    if node is None:
        raise InvalidFileError.single(name, "file has no content, only comments")
    aliases = _alias_problem(node)
    if aliases is not None:
        line, col = _mark(aliases[1])
        raise InvalidFileError.single(name, aliases[0], line, col)
    return node


def _construct(node: yaml.Node) -> Any:
    """The Python value of a parsed node, built by the safe loader's constructor."""
    loader = _BoundedLoader("")
    try:
        return loader.construct_document(node)
    finally:
        loader.dispose()


def load_yaml(
    path: Path, display_name: str | None = None, *, keep_going: bool = False
) -> LoadedYaml:
    """Parse one YAML file safely, recording the location of every key and list item.

    With `keep_going`, a file indented with tabs is read as if the tabs were spaces (the first
    width in `TAB_WIDTHS` that parses), and each tab is listed in `recovered`, so a validator
    can report the tabs and every other problem in one run.

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
    tabs = _leading_tabs(text, name)
    try:
        node = _parse(text, name)
        tabs = []  # tabs inside a block scalar's text are content, not indentation
    except InvalidFileError as exc:
        if not tabs:
            raise
        readable = None
        if keep_going:
            for width in TAB_WIDTHS:
                try:
                    readable = _parse(_untabbed(text, width), name)
                    break
                except InvalidFileError:
                    continue
        if readable is None:
            others = [p for p in exc.problems if not p.message.endswith(_TAB_MESSAGE)]
            raise InvalidFileError([*tabs, *others]) from None
        node = readable
    data = _construct(node)
    locations: dict[PathKey, Location] = {(): _mark(node)}
    dupes: list[Problem] = []
    _walk(node, (), locations, dupes, name)
    return LoadedYaml(Path(path), data, text, locations, dupes, tabs)


def dump_yaml(data: Any) -> str:
    """YAML text for `data`, keys in their given order, readable by a person."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


@contextmanager
def edit_yaml(path: Path) -> Iterator[Any]:
    """Change a YAML file a person wrote, in place, keeping everything not changed as it was.

    Yields the document as ruamel.yaml's round-trip types (they behave as dicts and lists);
    when the block ends without an error the document is written back atomically with its
    comments, key order, quoting and block scalars, indented as the file was (guessed from it).

    Raises:
        InvalidFileError: the file is not valid YAML; located.
        WriteError: the file could not be written; the old content is intact.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError
    from ruamel.yaml.util import load_yaml_guess_indent

    text = read_text(path)
    editor = YAML(typ="rt")
    editor.preserve_quotes = True
    editor.width = 4096  # never re-wrap a line the author wrapped (or did not)
    try:
        document, sequence, offset = load_yaml_guess_indent(text)
        mapping = _mapping_indent(document) or sequence
        editor.indent(mapping=mapping, sequence=sequence, offset=offset)
        document = editor.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        raise InvalidFileError.single(path, str(exc.problem or exc), line, column) from None
    yield document
    out = io.StringIO()
    editor.dump(document, out)
    write_atomic(path, out.getvalue())


def _mapping_indent(node: Any) -> int | None:
    """How far a block mapping nested in another is indented in a round-trip document (the
    first found), or None if there is none; ruamel.yaml guesses only lists' indentation."""
    from ruamel.yaml.comments import CommentedMap

    if not isinstance(node, CommentedMap):
        return None
    for value in node.values():
        if isinstance(value, CommentedMap) and value and not value.fa.flow_style():
            if value.lc.line > node.lc.line:
                return int(value.lc.col) - int(node.lc.col)
            nested = _mapping_indent(value)
            if nested:
                return nested
    return None


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


def load_model(
    path: Path,
    model: Any,
    display_name: str | None = None,
    check: Callable[[LoadedYaml, str], list[Problem]] | None = None,
) -> Any:
    """Read `path` as YAML and validate it as pydantic `model`, reporting every problem at once.

    Tabs in indentation, duplicate keys, schema errors and the problems `check` finds in the
    parsed data (cross-references a schema cannot see) are all reported in one run; `check`
    reads the raw data, so it runs even when the schema fails.

    Raises:
        InvalidFileError: listing every problem with its file, line, column and field.
    """
    from pydantic import ValidationError

    name = display_name or str(path)
    loaded = load_yaml(path, name, keep_going=True)
    if not isinstance(loaded.data, dict):
        kind = type(loaded.data).__name__
        problem = Problem(name, 1, 1, "", f"expected a mapping of fields at the top, got {kind}")
        raise InvalidFileError([*loaded.recovered, problem])
    problems = [*loaded.recovered, *loaded.duplicate_keys]
    if check is not None:
        problems.extend(check(loaded, name))
    try:
        value = model.model_validate(loaded.data)
    except ValidationError as exc:
        problems.extend(pydantic_problems(exc, loaded, name, field_map(model)))
        raise InvalidFileError(problems) from None
    if problems:
        raise InvalidFileError(problems)
    value._source = loaded
    return value
