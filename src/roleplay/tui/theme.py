"""The app's dark and light themes, and the colour pairs its text is drawn in.

Text is written only in the `TEXT_COLOURS` theme variables, on the `BACKGROUNDS`; a test checks
every pair against WCAG 2 AA (4.5:1). Textual's light theme writes `text-success`,
`text-warning` and `text-accent` in pale colours that fail on its light greys, so the light
theme here is Textual's with those darkened.
"""

from __future__ import annotations

from textual.color import Color
from textual.theme import BUILTIN_THEMES, Theme

DARK_THEME = "textual-dark"
LIGHT_THEME = "roleplay-light"

ROLEPLAY_LIGHT = Theme(
    name=LIGHT_THEME,
    primary=BUILTIN_THEMES["textual-light"].primary,
    secondary=BUILTIN_THEMES["textual-light"].secondary,
    accent=BUILTIN_THEMES["textual-light"].accent,
    warning=BUILTIN_THEMES["textual-light"].warning,
    error=BUILTIN_THEMES["textual-light"].error,
    success=BUILTIN_THEMES["textual-light"].success,
    foreground=BUILTIN_THEMES["textual-light"].foreground,
    background=BUILTIN_THEMES["textual-light"].background,
    surface=BUILTIN_THEMES["textual-light"].surface,
    panel=BUILTIN_THEMES["textual-light"].panel,
    dark=False,
    variables={
        "text-success": "#0B5224",
        "text-warning": "#6B3A00",
        "text-accent": "#6B3A00",
        "text-error": "#8C1A33",
    },
)
"""Textual's light theme with text colours that read on its greys."""

THEMES = (ROLEPLAY_LIGHT,)
"""Themes the app registers at start-up."""

AA_TEXT = 4.5
"""WCAG 2 AA: the least contrast for normal-size text."""

TEXT_COLOURS = (
    "text",
    "text-muted",
    "text-success",
    "text-warning",
    "text-error",
    "text-accent",
)
"""The theme variables the app writes text in (markup and `color:` in its styles)."""

BACKGROUNDS: tuple[tuple[str, int], ...] = (
    ("background", 100),
    ("surface", 100),
    ("panel", 100),
    ("boost", 100),
    ("primary", 10),
    ("error", 15),
)
"""The theme variables (and opacity, %) the app lays behind text: screens, dialogs, the side
panel, the selected turn, the resume banner and the problems list. Each is laid over
`background`, as on screen."""

DIM_FACTOR = 0.66
"""How far Textual blends `[dim]` text towards its background (`textual.constants`)."""


def relative_luminance(colour: Color) -> float:
    """WCAG 2's relative luminance of an opaque colour (0 black to 1 white)."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour.r) + 0.7152 * channel(colour.g) + 0.0722 * channel(colour.b)


def contrast_ratio(foreground: Color, background: Color) -> float:
    """WCAG 2's contrast ratio of two opaque colours, from 1 to 21.

    Textual's `Color` has perceived brightness but not this ratio, which AA is defined on.
    """
    lighter, darker = sorted(
        (relative_luminance(foreground), relative_luminance(background)), reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)


def theme_colour(variables: dict[str, str], name: str, under: Color) -> Color:
    """The opaque colour theme variable `name` shows as when drawn over `under`.

    `auto N%` (Textual's text) is black or white, whichever reads on `under`, at N% opacity.
    """
    value = variables[name]
    if value.startswith("auto"):
        parts = value.split()
        alpha = float(parts[1].rstrip("%")) / 100 if len(parts) > 1 else 1.0
        return under + under.get_contrast_text(alpha)
    return under + Color.parse(value)


def text_pairs(theme: Theme) -> list[tuple[str, str, float]]:
    """Every (text colour, background, contrast ratio) the app draws in `theme`, dim text and
    the score chips included."""
    variables = {**theme.to_color_system().generate(), **theme.variables}  # as the app does
    base = Color.parse(variables["background"])
    pairs: list[tuple[str, str, float]] = []
    for background_name, opacity in BACKGROUNDS:
        behind = base + Color.parse(variables[background_name]).multiply_alpha(opacity / 100)
        label = background_name if opacity == 100 else f"{background_name} {opacity}%"
        for name in TEXT_COLOURS:
            colour = theme_colour(variables, name, behind)
            pairs.append((name, label, contrast_ratio(colour, behind)))
        text = theme_colour(variables, "text", behind)
        dimmed = behind.blend(text, DIM_FACTOR)
        pairs.append(("text dim", label, contrast_ratio(dimmed, behind)))
    from roleplay.tui.widgets.bands import CHIP_OPACITY, TONE_BACKGROUNDS

    for surface in ("background", "boost"):
        under = base + Color.parse(variables[surface])
        for tone in TONE_BACKGROUNDS.values():
            chip = under + Color.parse(variables[tone.lstrip("$")]).multiply_alpha(
                CHIP_OPACITY / 100
            )
            text = theme_colour(variables, "text", chip)
            pairs.append(("text", f"{tone} chip on {surface}", contrast_ratio(text, chip)))
    return pairs
