"""``tpo-scoping schema``: print the profile's JSON Schema for editors."""

from __future__ import annotations

import argparse
import json
from typing import Any

from tpo_scoping.cli._common import add_out, emit


def add_parser(sub: Any) -> None:
    parser = sub.add_parser("schema", help="print the JSON Schema of the prospect profile")
    add_out(parser)
    parser.set_defaults(run=run, format="json")


def run(args: argparse.Namespace) -> int:
    from tpo_scoping.profile import profile_json_schema

    emit(profile_json_schema(), args, lambda s: json.dumps(s, indent=2))
    return 0
