"""Options shared by the commands that read performance data: ``--map`` and ``--site-column``."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from typing import Any

from tpo_scoping.errors import InputError, Problem


@dataclass(frozen=True)
class DataOptions:
    """How to read the data: per-table column mapping, where each table is, date order."""

    mapping: dict[str, dict[str, str]] = field(default_factory=dict)
    tables: dict[str, str] = field(default_factory=dict)
    dayfirst: bool | None = None

    def loader_kwargs(self) -> dict[str, Any]:
        """Keyword arguments of :func:`tpo_scoping.ingest.load_performance_data`."""
        return {
            "mapping": self.mapping or None,
            "tables": self.tables or None,
            "dayfirst": self.dayfirst,
        }


def add_data_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="TABLE.COLUMN=HEADER",
        help=(
            "read a canonical column from this header, e.g."
            ' --map employees.exit_date="Termination Date" (repeatable; overrides the profile)'
        ),
    )
    parser.add_argument(
        "--site-column",
        metavar="HEADER",
        help="the employees column that holds the site, e.g. State or Location",
    )


def parse_map(values: list[str], site_column: str | None = None) -> dict[str, dict[str, str]]:
    """``--map`` values as {table: {column: header}}; checks the table and column names.

    Examples
    --------
    >>> parse_map(['employees.exit_date=Termination Date'], site_column="State")
    {'employees': {'exit_date': 'Termination Date', 'site': 'State'}}
    """
    from tpo_scoping.data_contract import TABLES
    from tpo_scoping.errors import did_you_mean

    out: dict[str, dict[str, str]] = {}
    problems = []
    for value in values:
        target, sep, header = value.partition("=")
        table, dot, column = target.strip().partition(".")
        header = header.strip().strip('"').strip("'")
        if not sep or not dot or not header:
            problems.append(
                Problem(
                    "--map", f"'{value}' is not TABLE.COLUMN=HEADER (e.g. employees.site=State)"
                )
            )
            continue
        if table not in TABLES:
            problems.append(
                Problem(
                    "--map",
                    f"unknown table '{table}'{did_you_mean(table, list(TABLES))}"
                    f" (tables: {', '.join(TABLES)})",
                )
            )
            continue
        known = TABLES[table].column_names
        if column not in known:
            problems.append(
                Problem(
                    "--map",
                    f"'{column}' is not a column of {table}{did_you_mean(column, known)}"
                    f" (columns: {', '.join(known)})",
                )
            )
            continue
        out.setdefault(table, {})[column] = header
    if site_column:
        out.setdefault("employees", {})["site"] = site_column.strip()
    if problems:
        raise InputError(problems)
    return out


def data_options(args: argparse.Namespace, profile: Any = None) -> DataOptions:
    """The profile's ``data`` block with the command line's ``--map``/``--site-column`` on top."""
    mapping: dict[str, dict[str, str]] = {}
    tables: dict[str, str] = {}
    dayfirst = None
    source = getattr(profile, "data", None)
    if source is not None:
        mapping = {t: dict(m) for t, m in source.mapping.items()}
        tables = dict(source.tables)
        dayfirst = source.dayfirst
    for table, columns in parse_map(args.map, args.site_column).items():
        mapping.setdefault(table, {}).update(columns)
    return DataOptions(mapping, tables, dayfirst)
