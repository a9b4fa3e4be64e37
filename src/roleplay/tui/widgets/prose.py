"""A small Markdown subset rendered as Textual content, for briefings.

Briefings use paragraphs, `**bold**`, `*italic*`, `## headings` and `- bullets`; rendering
those directly keeps Textual's Markdown widget (and its parser and highlighter imports) off
the app's start-up path.
"""

from __future__ import annotations

import re

from textual.content import Content

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![*\w])[*_](?![*\s])(.+?)(?<![\s*])[*_](?![*\w])")
_CODE = re.compile(r"`([^`]+)`")


def _inline(text: str) -> Content:
    escaped = text.replace("[", r"\[")
    escaped = _BOLD.sub(r"[b]\1[/b]", escaped)
    escaped = _ITALIC.sub(r"[i]\1[/i]", escaped)
    escaped = _CODE.sub(r"[$text-accent]\1[/]", escaped)
    try:
        return Content.from_markup(escaped)
    except Exception:  # text that is not valid markup after all: show it as written
        return Content(text)


def render_prose(markdown: str) -> Content:
    """Render paragraphs, headings, bullets and inline emphasis; other Markdown stays as is."""
    blocks: list[Content] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            text = ""
            for line in paragraph:
                text += line if not text or text.endswith("\n") else " " + line
            parts = text.rstrip("\n").split("\n")
            blocks.append(Content("\n").join(_inline(part) for part in parts))
            paragraph.clear()

    for raw in markdown.splitlines():
        line = raw.rstrip()
        stripped = line.strip()
        if not stripped:
            flush()
            continue
        heading = re.match(r"^#{1,6}\s+(.*)$", stripped)
        bullet = re.match(r"^[-*+]\s+(.*)$", stripped)
        if heading:
            flush()
            blocks.append(Content.from_markup("[b $text-accent]$h[/]", h=heading.group(1)))
        elif bullet:
            flush()
            blocks.append(Content("• ") + _inline(bullet.group(1)))
        elif raw.endswith("  "):  # a Markdown hard line break
            paragraph.append(stripped + "\n")
        else:
            paragraph.append(stripped)
    flush()
    out: list[Content] = []
    for index, block in enumerate(blocks):
        if index and not (
            block.plain.startswith("• ") and blocks[index - 1].plain.startswith("• ")
        ):
            out.append(Content(""))
        out.append(block)
    return Content("\n").join(out)
