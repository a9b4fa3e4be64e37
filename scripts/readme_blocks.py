"""Replace a generated block of the README, between `<!-- NAME:start -->` and `<!-- NAME:end -->`.

Used by the scripts that write the README's figures from the files `make bench` and `make eval`
save (`readme_bench.py`, `readme_fidelity.py`, `readme_scorer.py`), so no figure between markers
is edited by hand.
"""

from __future__ import annotations

import sys
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


class MissingBlock(Exception):
    """The README has no block of that name."""


def markers(name: str) -> tuple[str, str]:
    """The start and end markers of block `name`."""
    return f"<!-- {name}:start -->", f"<!-- {name}:end -->"


def replace_block(text: str, name: str, body: str) -> str:
    """`text` with the lines between block `name`'s markers replaced by `body`.

    Raises:
        MissingBlock: a marker is missing, or the end comes before the start.
    """
    start, end = markers(name)
    before, found, rest = text.partition(start)
    _, closed, after = rest.partition(end)
    if not found or not closed:
        raise MissingBlock(f"README.md has no {start} ... {end} block")
    return f"{before}{start}\n{body.strip(chr(10))}\n{end}{after}"


def write_blocks(blocks: dict[str, str], readme: Path = README) -> None:
    """Replace each named block in `readme` and write it back once.

    Raises:
        MissingBlock: one of the blocks is missing (nothing is written).
    """
    text = readme.read_text()
    for name, body in blocks.items():
        text = replace_block(text, name, body)
    readme.write_text(text)


def write_or_say(blocks: dict[str, str], readme: Path = README) -> int:
    """`write_blocks` as a script's exit status: 0, or 1 after saying which block is missing."""
    try:
        write_blocks(blocks, readme)
    except MissingBlock as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0
