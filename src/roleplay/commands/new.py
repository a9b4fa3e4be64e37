"""`roleplay new scenario ID`: write a commented starter scenario that validates."""

from __future__ import annotations

import argparse
import os
import re
import shlex
from pathlib import Path

from roleplay import paths
from roleplay.commands import add_output_options
from roleplay.errors import UsageError
from roleplay.files import check_output, write_atomic

STARTER = """\
# yaml-language-server: $schema={schema}
# A roleplay scenario. Every field is documented in `roleplay schema scenario`; how the buyer
# decides what to reveal is in roleplay's docs/authoring.md. Check it with
#   roleplay validate {path}
# and try it on the simulated buyer with a discovery script that knows nothing of it:
#   roleplay simulate {path} --model deterministic --output /tmp/try.json --rep-script {script}

id: {id}
title: "{title}"
difficulty: standard          # intro | standard | hard

# What the rep knows before the call. Keep it to what a rep could learn from LinkedIn,
# the website and a short note from the account executive.
briefing: >
  You have 25 minutes with the buyer. They agreed to the call after a webinar but have not
  said why. Your goal is to understand their business and what is on their plate this year.

goal: Understand the buyer's business, role and problem before proposing anything.

buyer:
  name: Alex Morgan
  title: Chief Financial Officer
  company: Example Freight Ltd
  industry: Logistics
  company_size: 1,200 employees, $300M revenue
  personality: Measured and sceptical of vendors; warms up to reps who listen.
  communication_style: Short answers until a question earns more; dislikes jargon.
  priorities:
    - Faster month-end close
    - Predictable cash flow
  patience: 4                 # premature pitches or closes tolerated before ending the call
  trust_to_share: 2           # turns of good listening before `trusted` facts are shared

product:
  name: ExampleLedger
  vendor: Example Software
  summary: Automates accounts payable matching and approvals.
  features:
    - Automated three-way invoice matching
    - Approval workflows in Slack and Teams
    - Real-time cash dashboards

opening_line: Thanks for making time. I have about twenty minutes. What did you want to cover?

# Public context: short, real answers to ordinary situation questions. Nothing secret here.
context:
  - topics: [situation, people]
    line: Finance is about twenty people. My controller runs accounting and the close.
  - topics: [situation]
    line: We run one ERP for the whole group, and invoices still arrive mostly as PDFs.
  - topics: [decision]
    line: Anything over fifty thousand dollars needs the CEO's signature as well as mine.

# The pressures the buyer keeps to themselves until the conversation earns them.
# layer: surface (said to a sincere question about priorities or the problem),
#        earned (a question on its topics, or a follow-up on a fact that leads_to it),
#        trusted (as earned, once the rep has listened for trust_to_share turns).
# topics: priorities, situation, problem, cause, impact, people, tried, decision, urgency,
#         personal, outcome.
hidden_facts:
  - id: close_takes_twelve_days
    summary: Month-end close takes twelve days and the board wants it in five.
    lines:
      - Honestly, our close takes twelve days. The board has asked me to get it to five.
    layer: surface
    topics: [priorities, problem, urgency]
    leads_to: [controller_leaving]    # "Who does that work?" after this fact earns that one
    earned_by:                        # optional examples; any wording on the topics works
      - How long does your month-end close take today?
      - What is the board asking of finance this year?
    better_question: What does your month-end close look like today, start to finish?
  - id: controller_leaving
    summary: The controller who runs the close is leaving next quarter.
    lines:
      - Between us, my controller is leaving in March, and she carries the close in her head.
    layer: trusted
    topics: [people, personal]
    earned_by:
      - Who on your team is closest to the close?
      - What happens if a key person on your team is out?

# Push-backs that a pitch or close at the wrong moment provokes.
objections:
  - id: pitch_before_problem
    summary: The rep pitches before understanding the close problem.
    trigger:
      when: pitch                     # pitch | close | price | phrase
      while_hidden: [close_takes_twelve_days]
    lines:
      - Every vendor says that. You don't know yet what our problem is.
    patience_cost: 1
  - id: demo_too_soon
    summary: The rep pushes for a demo in the first call.
    trigger:
      when: close
    lines:
      - I'm not booking a demo until I know this is worth my team's time.

# Replies to small talk and to a truly vague turn ("Go on.").
small_talk_lines:
  - Go on.
  - What specifically do you want to know?

# Words of the buyer's world that are never selling here (a broker's "quote", a facilities
# "pilot"), and extra words that are.
vocabulary:
  buyer_terms: []
  seller_terms: []

ending:
  max_turns: 12
  success_facts: 2
  required_facts: [close_takes_twelve_days]
"""

ACRONYMS = frozenset(
    """
    ai ap ar b2b b2c ceo cfo chro cio ciso cmo coo cpo cro cto crm ehr erp evp fp&a gm hr it
    kpi mes okr pci qa saas smb soc svp uk us vp
    """.split()  # noqa: SIM905
)
"""Words a title spells in capitals (`cro-insurance-forecast` becomes `CRO insurance
forecast`)."""


def title_for(scenario_id: str) -> str:
    """A readable title from an id: words split on `-` and `_`, acronyms in capitals."""
    words = [w for w in re.split(r"[-_]+", scenario_id) if w]
    cased = [w.upper() if w in ACRONYMS else w for w in words]
    if cased and cased[0] == words[0]:
        cased[0] = cased[0][:1].upper() + cased[0][1:]
    return " ".join(cased)


def schema_reference(target: Path) -> str:
    """The `$schema` path for a new file: relative when the file is inside the project, else
    absolute (the YAML language server reads both), so editors find it wherever the file is."""
    schema = paths.PROJECT_ROOT / "schemas" / "scenario.schema.json"
    folder = target.resolve().parent
    if folder.is_relative_to(paths.PROJECT_ROOT):
        return os.path.relpath(schema, folder)
    return str(schema)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "new",
        help="write a starter scenario file",
        description="Write a commented starter file that validates, to edit from there.",
    )
    parser.add_argument("kind", choices=["scenario"], help="what to create")
    parser.add_argument("id", help="the new scenario's id, e.g. cfo-retail-cash")
    add_output_options(parser, "file to write (default: scenarios/ID.yaml)", required=False)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from roleplay.scenario import load_scenario

    scenario_id: str = args.id
    if not re.fullmatch(r"[a-z][a-z0-9_\-]{1,63}", scenario_id):
        raise UsageError(
            f"'{scenario_id}' is not a valid id: use lower-case letters, digits, '-' or '_', "
            "starting with a letter (e.g. cfo-retail-cash)"
        )
    target: Path = args.output or paths.new_scenarios_dir() / f"{scenario_id}.yaml"
    check_output(target, force=args.force)
    script = paths.shipped_scenarios_dir() / "scripts" / "generic-discovery.txt"
    target.parent.mkdir(parents=True, exist_ok=True)
    text = STARTER.format(
        id=scenario_id,
        title=title_for(scenario_id),
        path=shlex.quote(str(target)),
        script=shlex.quote(str(script)),
        schema=schema_reference(target),
    )
    write_atomic(target, text)
    load_scenario(target)  # the starter must always validate
    print(f"wrote {target}; edit it, then run `roleplay validate {target}`")
    return 0
