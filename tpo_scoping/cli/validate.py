"""``tpo-scoping validate PROFILE``: check a prospect profile and report every problem."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from tpo_scoping.cli._common import add_format, emit, say


def add_parser(sub: Any) -> None:
    parser = sub.add_parser("validate", help="check a prospect profile YAML")
    parser.add_argument("profile", type=Path, help="profile YAML file")
    add_format(parser)
    parser.set_defaults(run=run)


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
