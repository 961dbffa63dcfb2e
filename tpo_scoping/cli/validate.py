"""``tpo-scoping validate PROFILE``: check a prospect profile and report every problem."""

from __future__ import annotations

import argparse
from pathlib import Path

from tpo_scoping.cli._common import add_format, emit, say

HELP = "check a prospect profile YAML"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("profile", type=Path, help="profile YAML file")
    add_format(parser)


def run(args: argparse.Namespace) -> int:
    from tpo_scoping.profile import load_profile, plausibility_warnings

    profile = load_profile(args.profile)
    warnings = plausibility_warnings(profile)
    for line in warnings:
        say(f"warning: {line}")
    result = {
        "valid": True,
        "prospect": profile.prospect,
        "total_fte": profile.total_fte,
        "sites": [s.model_dump() for s in profile.sites],
        "warnings": warnings,
    }
    emit(
        result,
        args,
        lambda r: (
            f"ok: {r['prospect']} ({r['total_fte']} FTE across {len(r['sites'])} site(s))"
            + (f", {len(warnings)} warning(s)" if warnings else "")
        ),
    )
    return 0
