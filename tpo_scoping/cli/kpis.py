"""``tpo-scoping kpis PROFILE``: draft KPI targets with milestones and detectability."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tpo_scoping.kpis import KpiDraft

from tpo_scoping.cli._common import (
    add_format,
    add_kpi_options,
    add_out,
    add_profile_inputs,
    emit,
    parse_date,
    say,
)

HELP = "draft KPI baselines, targets, milestones and detectability"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_profile_inputs(parser)
    add_format(parser, ("table", "json", "xlsx"))
    add_kpi_options(parser)
    add_out(parser)


def _table(draft: KpiDraft) -> str:
    from tpo_scoping.presentation.kpis import kpi_table

    return "\n".join([kpi_table(draft).to_text(), "", *draft.notes])


def run(args: argparse.Namespace) -> int:
    from tpo_scoping.kpis import draft_kpis
    from tpo_scoping.profile import load_profile
    from tpo_scoping.scope import analyse, load_data

    profile = load_profile(args.profile)
    as_of = parse_date(args.as_of) if args.as_of else None
    needs = analyse(load_data(args.data, profile), profile, as_of)
    draft = draft_kpis(profile, needs, ambition=args.ambition, cadence=args.cadence)
    if args.format == "xlsx":
        from tpo_scoping.errors import InputError
        from tpo_scoping.report import kpis_to_xlsx
        from tpo_scoping.serialize import write_atomic

        if not args.out:
            raise InputError("--out: xlsx output is binary; give a file with --out FILE")
        write_atomic(args.out, kpis_to_xlsx(draft))
        say(f"wrote {args.out}")
        return 0
    emit(draft, args, _table)
    return 0
