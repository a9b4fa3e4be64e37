"""`roleplay new scenario ID`: write a commented starter scenario that validates."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from roleplay import paths
from roleplay.commands import add_output_options
from roleplay.errors import UsageError
from roleplay.files import check_output, write_atomic
from roleplay.scenario import load_scenario

STARTER = """\
# yaml-language-server: $schema=../schemas/scenario.schema.json
# A roleplay scenario. Every field is documented in `roleplay schema scenario`.
# Check it with `roleplay validate {path}` and try it with
#   roleplay simulate {id} \
#     --rep-script scenarios/scripts/generic-discovery.txt --output /tmp/t.json

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
  trust_to_share: 2           # turns of good listening before `needs_trust` facts are shared

product:
  name: ExampleLedger
  vendor: Example Software
  summary: Automates accounts payable matching and approvals.
  features:
    - Automated three-way invoice matching
    - Approval workflows in Slack and Teams
    - Real-time cash dashboards

opening_line: Thanks for making time. I have about twenty minutes. What did you want to cover?

# The pressures the buyer keeps to themselves until a good question earns them.
hidden_facts:
  - id: close_takes_twelve_days
    summary: Month-end close takes twelve days and the board wants it in five.
    lines:
      - Honestly, our close takes twelve days. The board has asked me to get it to five.
    earned_by:
      - How long does your month-end close take today?
      - What is the board asking of finance this year?
      - Walk me through how close works for your team.
    better_question: What does your month-end close look like today, start to finish?
  - id: controller_leaving
    summary: The controller who runs the close is leaving next quarter.
    lines:
      - Between us, my controller is leaving in March, and she carries the close in her head.
    earned_by:
      - Who on your team is closest to the close?
      - What happens if a key person on your team is out?
    needs_trust: true

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

small_talk_lines:
  - Go on.
  - What specifically do you want to know?

ending:
  max_turns: 12
  success_facts: 2
  required_facts: [close_takes_twelve_days]
"""


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
    scenario_id: str = args.id
    if not re.fullmatch(r"[a-z][a-z0-9_\-]{1,63}", scenario_id):
        raise UsageError(
            f"'{scenario_id}' is not a valid id: use lower-case letters, digits, '-' or '_', "
            "starting with a letter (e.g. cfo-retail-cash)"
        )
    target: Path = args.output or paths.scenarios_dir() / f"{scenario_id}.yaml"
    check_output(target, force=args.force)
    title = scenario_id.replace("-", " ").replace("_", " ").capitalize()
    write_atomic(target, STARTER.format(id=scenario_id, title=title, path=target))
    load_scenario(target)  # the starter must always validate
    print(f"wrote {target}; edit it, then run `roleplay validate {target}`")
    return 0
