"""``tpo-scoping schema``: print the profile's JSON Schema for editors."""

from __future__ import annotations

import argparse
import json

from tpo_scoping.cli._common import add_out, emit

HELP = "print the JSON Schema of the prospect profile"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_out(parser)
    parser.set_defaults(format="json")


def run(args: argparse.Namespace) -> int:
    from tpo_scoping.profile import profile_json_schema

    emit(profile_json_schema(), args, lambda s: json.dumps(s, indent=2))
    return 0
