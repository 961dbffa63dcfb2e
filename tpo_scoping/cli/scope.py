"""``tpo-scoping scope PROFILE``: fit verdict, economics, needs, KPIs, plan and clauses.

``--format json`` (default) prints the scope; ``html`` writes the self-contained brief;
``pdf`` and ``xlsx`` are binary and need ``--out``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from tpo_scoping.cli._common import add_out, parse_date, positive_int, warn, write_output
from tpo_scoping.cli._data import add_data_options, data_options
from tpo_scoping.errors import InputError


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "scope", help="fit verdict, KPIs, engagement plan, clauses and the engagement brief"
    )
    parser.add_argument("profile", type=Path, help="profile YAML file")
    parser.add_argument("--data", type=Path, help="performance data (default: the profile's)")
    parser.add_argument("--as-of", help="date of the needs analysis, YYYY-MM-DD")
    parser.add_argument(
        "--format", choices=("json", "html", "pdf", "xlsx"), default="json", help="output format"
    )
    parser.add_argument("--ambition", type=float, default=0.5, help="KPI ambition, 0-1")
    parser.add_argument("--cadence", choices=("monthly", "quarterly"), default="monthly")
    parser.add_argument(
        "--simulations",
        type=positive_int("--simulations", 0, 100_000),
        default=2000,
        help="Monte Carlo scenarios of the economics (default 2000)",
    )
    parser.add_argument("--seed", type=int, default=0, help="Monte Carlo seed (default 0)")
    add_data_options(parser)
    add_out(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from tpo_scoping.profile import load_profile
    from tpo_scoping.scope import build_scope, load_data
    from tpo_scoping.serialize import dumps

    if args.format in ("pdf", "xlsx") and not args.out:
        raise InputError(f"--out: {args.format} output is binary; give a file with --out FILE")
    if not 0 <= args.ambition <= 1:
        raise InputError(f"--ambition: must be between 0 and 1, got {args.ambition:g}")
    profile = load_profile(args.profile)
    as_of = parse_date(args.as_of) if args.as_of else None
    options = data_options(args, profile)
    scope = build_scope(
        profile,
        load_data(args.data, profile, options.mapping),
        as_of,
        ambition=args.ambition,
        cadence=args.cadence,
        simulations=args.simulations,
        seed=args.seed,
    )
    warn(scope.notes)
    payload: str | bytes
    if args.format == "json":
        payload = dumps(scope.to_dict())
    elif args.format == "html":
        from tpo_scoping.report import render_html

        payload = render_html(scope)
    elif args.format == "pdf":
        from tpo_scoping.report import render_pdf

        payload = render_pdf(scope)
    else:
        from tpo_scoping.report import render_xlsx

        payload = render_xlsx(scope)
    write_output(payload, args.out, is_json=args.format == "json")
    return 0
