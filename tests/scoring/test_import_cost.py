"""Importing the scorer must not pull in torch or sentence-transformers (the app starts fast)."""

from __future__ import annotations

import subprocess
import sys


def test_import_scoring_does_not_import_heavy_libraries() -> None:
    code = (
        "import sys, roleplay.scoring, roleplay.scoring.metrics, roleplay.scoring.explain, "
        "roleplay.commands.score_turns, roleplay.commands.eval; "
        "heavy = [m for m in ('torch', 'sentence_transformers', 'transformers', 'sklearn', "
        "'textual') if m in sys.modules]; print(','.join(heavy))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
