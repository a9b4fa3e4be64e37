"""`roleplay schema`: print the JSON Schema of a file format, for editors and validators."""

from __future__ import annotations

import argparse
import json
from typing import Any

from roleplay.commands import add_output_options
from roleplay.files import check_output, write_atomic

SCHEMA_KINDS = ("scenario", "rubric", "transcript", "model")


def json_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one of roleplay's file formats."""
    from pydantic import BaseModel

    model: type[BaseModel]
    if kind == "scenario":
        from roleplay.scenario import Scenario

        model = Scenario
    elif kind == "rubric":
        from roleplay.rubric import Rubric

        model = Rubric
    elif kind == "transcript":
        from roleplay.transcript import Transcript

        model = Transcript
    else:
        from roleplay.buyer.cards import ModelCard

        model = ModelCard
    schema = model.model_json_schema()
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://roleplay.invalid/schemas/{kind}.schema.json",
        **schema,
    }
    return schema


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "schema",
        help="print the JSON Schema of a file format",
        description="Print the JSON Schema of a roleplay file format, for editor completion.",
    )
    parser.add_argument("kind", choices=SCHEMA_KINDS)
    add_output_options(parser, "write to FILE instead of stdout", required=False)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    text = json.dumps(json_schema(args.kind), indent=2, ensure_ascii=False) + "\n"
    if args.output:
        write_atomic(check_output(args.output, force=args.force), text)
    else:
        print(text, end="")
    return 0
