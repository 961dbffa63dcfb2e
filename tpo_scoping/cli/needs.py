"""``tpo-scoping needs DATA``: training needs analysis of a prospect's performance data."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tpo_scoping.needs import NeedsResult

from tpo_scoping.cli._common import add_format, add_out, emit, parse_date, say
from tpo_scoping.cli._data import add_data_options, data_options
from tpo_scoping.errors import InputError

HELP = "training needs analysis of performance data"
DESCRIPTION = (
    "Competency gaps, ramp time, retention, compliance coverage and training impact from"
    " a workbook, a folder of CSVs or one employees CSV, with a data-quality report."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "data",
        nargs="?",
        type=Path,
        help="workbook (.xlsx), folder of CSVs or employees CSV (default: the profile's data.path)",
    )
    parser.add_argument("--profile", type=Path, help="prospect profile YAML (domains, mapping)")
    parser.add_argument(
        "--as-of", dest="as_of", help="analysis date YYYY-MM-DD (default: latest date in the data)"
    )
    parser.add_argument(
        "--pseudonymise",
        nargs="?",
        const="",
        default=None,
        metavar="SALT",
        help=(
            "replace employee IDs in the output by keyed pseudonyms and leave names out"
            " (give a SALT to get the same pseudonyms in two runs)"
        ),
    )
    add_data_options(parser)
    add_format(parser)
    add_out(parser)


def run(args: argparse.Namespace) -> int:
    from tpo_scoping.ingest import load_performance_data
    from tpo_scoping.needs import analyse_needs

    as_of = parse_date(args.as_of) if args.as_of else None
    profile = None
    data_path = args.data
    if args.profile is not None:
        from tpo_scoping.profile import load_profile

        profile = load_profile(args.profile)
        if profile.data is not None and data_path is None and profile.data.path:
            data_path = Path(profile.data.path)
    if data_path is None:
        raise InputError("DATA: give a data file or folder, or a --profile with data.path")
    options = data_options(args, profile)
    reference = max(as_of, _today()) if as_of else None
    data = load_performance_data(data_path, reference_date=reference, **options.loader_kwargs())
    for line in data.quality.summary_lines():
        say(f"data: {line}")
    result = analyse_needs(data, profile=profile, as_of=as_of)
    if args.pseudonymise is None:
        emit(result, args, render_table)
        return 0
    from tpo_scoping.privacy import Pseudonymiser, pseudonymise_report
    from tpo_scoping.serialize import to_jsonable

    employees = data.tables.get("employees")
    report = pseudonymise_report(
        to_jsonable(result),
        employees,
        Pseudonymiser(args.pseudonymise or None),
        ids=_quoted_ids(data.quality.issues),
    )
    # The table view shows aggregates only; it is printed from the pseudonymised issues too.
    emit(report, args, lambda _: render_table(result))
    return 0


def _quoted_ids(issues: Any) -> list[str]:
    """IDs quoted in quality issues about the ``employee_id`` column (dropped rows' IDs,
    which the loaded tables no longer hold)."""
    import re

    found = []
    for issue in issues:
        item = issue if isinstance(issue, dict) else getattr(issue, "__dict__", {})
        if item.get("column") == "employee_id":
            found += re.findall(r"'([^']+)'", str(item.get("problem", "")))
    return found


def _today() -> Any:
    import datetime as dt

    return dt.date.today()


def render_table(result: NeedsResult) -> str:
    """Readable text of a :class:`~tpo_scoping.needs.NeedsResult` for the terminal."""
    from tpo_scoping.presentation import needs as rows

    lines = [f"Training needs analysis as of {result.as_of.isoformat()}", ""]
    sections = [
        ("Data quality", rows.quality_table(result.quality)),
        ("Priorities", rows.priorities_table(result, top=10)),
        ("Ramp time (weeks to 90 % of tenured performance)", rows.ramp_table(result)),
        ("Retention of new hires", rows.retention_table(result, days=(30, 90, 180))),
        ("Compliance coverage (active employees)", rows.compliance_table(result)),
        ("Training impact", rows.impact_table(result)),
    ]
    for title, table in sections:
        if not table.empty:
            lines += [title, table.to_text(), ""]
    logrank = rows.logrank_sentence(result)
    if logrank:
        lines += [logrank, ""]
    notes = rows.quality_notes(result.quality) + list(result.notes)
    if notes:
        lines += ["Notes", *(f"  {n}" for n in notes)]
    return "\n".join(lines) + "\n"
