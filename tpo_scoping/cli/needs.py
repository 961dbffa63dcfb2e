"""``tpo-scoping needs DATA``: training needs analysis of a prospect's performance data."""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import Any

from tpo_scoping.cli._common import add_format, add_out, emit, parse_date, say
from tpo_scoping.errors import InputError


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "needs",
        help="training needs analysis of performance data",
        description=(
            "Competency gaps, ramp time, retention, compliance coverage and training impact from"
            " a workbook, a folder of CSVs or one employees CSV, with a data-quality report."
        ),
    )
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
    add_format(parser)
    add_out(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from tpo_scoping.ingest import load_performance_data
    from tpo_scoping.needs import analyse_needs

    as_of = parse_date(args.as_of) if args.as_of else None
    profile = None
    mapping = None
    data_path = args.data
    if args.profile is not None:
        from tpo_scoping.profile import load_profile

        profile = load_profile(args.profile)
        if profile.data is not None:
            mapping = profile.data.mapping or None
            if data_path is None and profile.data.path:
                data_path = Path(profile.data.path)
    if data_path is None:
        raise InputError("DATA: give a data file or folder, or a --profile with data.path")
    reference = max(as_of, _today()) if as_of else None
    data = load_performance_data(data_path, mapping=mapping, reference_date=reference)
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


def _ci(low: Any, high: Any, spec: str = ".1f") -> str:
    if _fmt(low, spec) == "–" and _fmt(high, spec) == "–":
        return "–"
    return f"{_fmt(low, spec)}–{_fmt(high, spec)}"


def _fmt(value: Any, spec: str = ".1f") -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    return format(value, spec)


def render_table(result: Any) -> str:
    """Readable text of a :class:`~tpo_scoping.needs.NeedsResult` for the terminal."""
    lines = [f"Training needs analysis as of {result.as_of.isoformat()}", ""]
    lines.append("Data quality")
    lines += [f"  {line}" for line in result.quality.summary_lines()]
    lines += ["", "Priorities"]
    if not result.priorities:
        lines.append("  none found")
    for item in result.priorities:
        lines.append(f"  {item['rank']:>2}. {item['summary']}")
    if not result.ramp.empty:
        lines += ["", "Ramp time (weeks to 90 % of tenured performance)"]
        lines.append(f"  {'role':<24}{'site':<14}{'metric':<14}{'weeks':>7}  {'CI':<15}{'n':>5}")
        for _, r in result.ramp.iterrows():
            ci = _ci(r["ci_low"], r["ci_high"])
            lines.append(
                f"  {r['role']:<24}{r['site']:<14}{r['metric']:<14}"
                f"{_fmt(r['weeks_to_proficiency']):>7}  {ci:<15}{int(r['n']):>5}"
            )
    if not result.retention.empty:
        lines += ["", "Retention of new hires (Kaplan–Meier)"]
        rows = result.retention[result.retention["cohort"] == "all"]
        lines.append(f"  {'site':<16}{'day':>5}{'retained':>10}  {'CI':<14}{'at risk':>8}")
        for _, r in rows.iterrows():
            ci = _ci(r["ci_low"], r["ci_high"], ".0%")
            lines.append(
                f"  {r['site']:<16}{int(r['day']):>5}{_fmt(r['estimate'], '.0%'):>10}"
                f"  {ci:<14}{int(r['at_risk']):>8}"
            )
        if result.logrank:
            lines.append(
                f"  log-rank test between sites: χ² = {result.logrank['statistic']:.2f},"
                f" df = {result.logrank['df']}, p = {result.logrank['p_value']:.3g}"
            )
    if not result.compliance.empty:
        lines += ["", "Compliance coverage (active employees)"]
        rows = result.compliance[result.compliance["module"] == "all"]
        for _, r in rows.iterrows():
            lines.append(
                f"  {r['site']:<16} coverage {_fmt(r['coverage'], '.0%'):>5},"
                f" {int(r['overdue'])} overdue, {int(r['never_completed'])} never completed,"
                f" {int(r['expiring_30'])} expiring within 30 days"
            )
    if result.impact:
        lines += ["", "Training impact"]
        lines += [f"  {item['summary']}" for item in result.impact]
    if result.notes:
        lines += ["", "Notes"] + [f"  {n}" for n in result.notes]
    return "\n".join(lines) + "\n"
