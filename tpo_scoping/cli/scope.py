"""``tpo-scoping scope PROFILE``: fit verdict, economics, needs, KPIs, plan and clauses.

``--format json`` (default) prints the scope; ``html`` writes the self-contained brief;
``pdf`` and ``xlsx`` are binary and need ``--out``.
"""

from __future__ import annotations

import argparse

from tpo_scoping.cli._common import (
    add_format,
    add_kpi_options,
    add_monte_carlo,
    add_out,
    add_profile_inputs,
    parse_date,
    warn,
    write_output,
)
from tpo_scoping.cli._data import add_data_options, data_options
from tpo_scoping.errors import InputError

HELP = "fit verdict, KPIs, engagement plan, clauses and the engagement brief"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_profile_inputs(parser)
    add_format(parser, ("json", "html", "pdf", "xlsx"))
    add_kpi_options(parser)
    add_monte_carlo(parser, default=2000, high=100_000)
    add_data_options(parser)
    add_out(parser)


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
