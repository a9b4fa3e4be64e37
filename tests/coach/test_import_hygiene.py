"""The coach core runs headless: importing it never pulls in Textual or the ML stack."""

from __future__ import annotations

import subprocess
import sys


def test_coach_core_imports_without_textual_or_torch() -> None:
    code = (
        "import sys\n"
        "import roleplay.coach.annotate, roleplay.coach.branch, roleplay.coach.compare\n"
        "import roleplay.coach.report, roleplay.coach.render_html, roleplay.coach.render_md\n"
        "import roleplay.coach.rescore, roleplay.coach.text\n"
        "import roleplay.commands.replay, roleplay.commands.report, roleplay.commands.branch\n"
        "import roleplay.commands.compare, roleplay.commands.rescore\n"
        "bad = [m for m in ('textual', 'torch', 'transformers', 'sentence_transformers')\n"
        "       if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
