"""``tpo-scoping inspect DATA``: which table and column the loader takes for each field, and why."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from tpo_scoping.cli._common import add_format, add_out, emit
from tpo_scoping.cli._data import add_data_options, data_options
from tpo_scoping.errors import InputError, Problem

HELP = "show how the data's tables and columns are recognised (no analysis)"
DESCRIPTION = (
    "Per table: the column chosen for each field with its confidence and sample"
    " values, the candidates rejected and why, the fields missing and what follows."
    " --write-mapping writes the profile's data block that reproduces the choices."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("data", type=Path, help="workbook, folder of files, or one CSV")
    parser.add_argument("--profile", type=Path, help="prospect profile YAML (its data block)")
    parser.add_argument(
        "--write-mapping",
        type=Path,
        metavar="FILE",
        help="write the YAML data block (path, tables, mapping) to paste into a profile",
    )
    add_data_options(parser)
    add_format(parser)
    add_out(parser)


def run(args: argparse.Namespace) -> int:
    from tpo_scoping.ingest.inspection import inspect_data

    profile = None
    if args.profile is not None:
        from tpo_scoping.profile import load_profile

        profile = load_profile(args.profile)
    options = data_options(args, profile)
    inspection = inspect_data(
        args.data, options.mapping or None, tables=options.tables or None, dayfirst=options.dayfirst
    )
    emit(inspection.to_dict(), args, lambda _: render_table(inspection))
    if args.write_mapping:
        write_mapping(inspection, args.data, args.write_mapping)
    if not inspection.ok:
        problems = [p for t in inspection.tables.values() for p in t.problems]
        raise InputError([Problem("", p) for p in problems])
    return 0


def write_mapping(inspection: Any, data: Path, out: Path) -> None:
    """Write the ``data:`` block of a profile (atomically), as YAML with a comment on top."""
    import yaml

    from tpo_scoping.serialize import write_atomic

    block = {"data": inspection.profile_block(str(data))}
    text = (
        "# Written by `tpo-scoping inspect`: paste into the prospect profile and check it.\n"
        + yaml.safe_dump(block, sort_keys=False, allow_unicode=True)
    )
    write_atomic(out, text)
    print(f"wrote {out}", file=sys.stderr)


def render_table(inspection: Any) -> str:
    """Readable text of a :class:`~tpo_scoping.ingest.inspection.DataInspection`."""
    from tpo_scoping.ingest._read import printable
    from tpo_scoping.labels import pct

    lines = [f"Data: {printable(inspection.source)}", ""]
    for table, item in inspection.tables.items():
        lines.append(
            f"{table}  <- {printable(item.source)}  ({item.rows_sampled:,} rows looked at)"
        )
        if item.match is None:
            lines += [f"  ! {p}" for p in item.problems]
            lines.append("")
            continue
        for column, choice in item.match.fields.items():
            if choice.header is None:
                missing = item.match.missing.get(column)
                why = f"  {printable(missing.line(table), 600)}" if missing else ""
                lines.append(f"  {column:<13} -{why}")
            else:
                samples = ", ".join(printable(s, 30) for s in choice.samples)
                lines.append(
                    f"  {column:<13} {printable(choice.header, 40):<28}"
                    f" {pct(choice.confidence):>5}  {choice.basis}"
                    + (f"; e.g. {samples}" if samples else "")
                )
            for rejected in choice.rejected:
                lines.append(
                    f"  {'':<13} rejected '{printable(rejected.header, 40)}':"
                    f" {printable(rejected.reason, 200)}"
                )
            if choice.tied_with:
                tied = ", ".join(f"'{printable(t, 40)}'" for t in choice.tied_with)
                lines.append(f"  {'':<13} tied with {tied}")
        if item.date_order:
            lines.append(f"  dates: {item.date_order}")
        if item.match.unused:
            unused = ", ".join(printable(h, 40) for h in item.match.unused)
            lines.append(f"  not used: {unused}")
        lines += [f"  note: {printable(n, 600)}" for n in item.match.notes]
        lines.append("")
    lines += [f"note: {printable(n, 600)}" for n in inspection.notes]
    return "\n".join(lines).rstrip() + "\n"
