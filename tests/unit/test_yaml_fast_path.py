"""YAML files read by libyaml (the fast path) give exactly what the pure-Python loader gives:
the same values, the same line and column for every key and item, the same duplicate keys.
Anything libyaml might read differently, or that nears the limits, goes to the careful loader,
so the messages for bad files stay the ones a person can act on."""

from __future__ import annotations

from pathlib import Path

import pytest

from roleplay import yamlio
from roleplay.errors import InvalidFileError

ROOT = Path(__file__).resolve().parents[2]
YAML_FILES = sorted(
    p
    for folder in ("scenarios", "rubrics", "models", "tests/data")
    for p in (ROOT / folder).rglob("*")
    if p.suffix in {".yaml", ".yml"}
)


def read_both_ways(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    """`load_yaml` of `path` with libyaml, then without it (a result or the error's text)."""

    def read() -> object:
        try:
            loaded = yamlio.load_yaml(path, path.name, keep_going=True)
        except InvalidFileError as exc:
            return ("error", [str(p) for p in exc.problems])
        return (loaded.data, loaded.locations, loaded.duplicate_keys, loaded.recovered)

    fast = read()
    with monkeypatch.context() as patched:
        patched.setattr(yamlio, "_FastLoader", None)
        careful = read()
    return fast, careful


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_yaml_file_reads_the_same_with_and_without_libyaml(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast, careful = read_both_ways(path, monkeypatch)
    assert fast == careful


def test_the_shipped_files_take_the_fast_path() -> None:
    assert yamlio._FastLoader is not None, "PyYAML was built without libyaml"
    shipped = [p for p in YAML_FILES if p.parent.name in {"scenarios", "rubrics"}]
    assert shipped
    for path in shipped:
        assert yamlio._parse_fast(path.read_text(encoding="utf-8")) is not None, path


HOSTILE_TEXTS = {
    "tab indentation": "id: x\nbuyer:\n\tname: Ann\n",
    "byte-order mark": "\ufeffid: x\n",
    "flow nesting past the limit": "a: " + "[" * 60 + "]" * 60 + "\n",
    "block nesting past the limit": "".join(f"{'  ' * i}k{i}:\n" for i in range(60))
    + "  " * 60
    + "v\n",
    "alias cycle": "a: &x [*x]\n",
    "alias bomb": "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(5)
    ),
    "not YAML": "id: [unclosed\n",
    "two documents": "a: 1\n---\nb: 2\n",
    "only a comment": "# nothing here\n",
    "a forbidden character": "id: \x07\n",
}


@pytest.mark.parametrize("text", HOSTILE_TEXTS.values(), ids=list(HOSTILE_TEXTS))
def test_hostile_or_unusual_text_goes_to_the_careful_loader(text: str) -> None:
    assert yamlio._parse_fast(text) is None


@pytest.mark.parametrize("text", HOSTILE_TEXTS.values(), ids=list(HOSTILE_TEXTS))
def test_hostile_text_gets_the_careful_loaders_message(text: str) -> None:
    def outcome(parse: object) -> object:
        try:
            node = parse(text, "f.yaml")  # type: ignore[operator]
        except InvalidFileError as exc:
            return [str(p) for p in exc.problems]
        return yamlio._construct(node)

    assert outcome(yamlio._parse) == outcome(yamlio._parse_carefully)


def test_nesting_just_inside_the_limit_reads_on_the_fast_path() -> None:
    depth = yamlio.MAX_NESTING - 3  # with the top mapping and the scalar: 49 levels
    text = "a: " + "[" * depth + "1" + "]" * depth + "\n"
    assert yamlio._parse_fast(text) is not None
    data = yamlio._construct(yamlio._parse(text, "f.yaml"))
    for _ in range(depth + 1):
        data = data["a"] if isinstance(data, dict) else data[0]
    assert data == 1
