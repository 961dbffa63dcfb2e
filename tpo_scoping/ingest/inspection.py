"""What the loader would do with a prospect's data, before any analysis: the ``inspect`` command.

:func:`inspect_data` reads the files, recognises the tables and chooses a column for each field
exactly as :func:`~tpo_scoping.ingest.load_performance_data` does, from the first rows only,
and returns a :class:`DataInspection`: per table, the column chosen for each field with its
confidence and sample values, the candidates rejected and why, the fields that are missing
and what follows from it, and how dates would be read. :meth:`DataInspection.profile_block`
gives the ``data:`` block to paste into a profile.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tpo_scoping.data_contract import TABLES
from tpo_scoping.errors import InputError
from tpo_scoping.ingest._dates import ORDER_WORDS, decide_order
from tpo_scoping.ingest._read import printable, read_tables
from tpo_scoping.ingest.limits import DEFAULT_MAX_BYTES, ReadLimits
from tpo_scoping.ingest.matching import SAMPLE_ROWS, TableMatch, match_table

_ORDER = ("employees", "assessments", "compliance", "metrics", "training")


@dataclass(frozen=True)
class TableInspection:
    """One recognised table: where it is, and its columns as the loader would choose them."""

    table: str
    source: str
    name: str
    """The file or sheet name, as a profile's ``data.tables`` names it."""
    rows_sampled: int
    match: TableMatch | None = None
    problems: tuple[str, ...] = ()
    """Why the columns do not fit (required fields without a column), when they do not."""
    date_order: str | None = None
    """How numeric dates would be read: the order, and what settles it (or that nothing does)."""


@dataclass(frozen=True)
class DataInspection:
    """The tables found in a source and how their columns map onto the data contract."""

    source: str
    tables: dict[str, TableInspection]
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        """True when every recognised table's required fields have a column."""
        return all(t.match is not None for t in self.tables.values())

    def profile_block(self, path: str | None = None) -> dict[str, Any]:
        """The profile's ``data`` block that reproduces these choices.

        Examples
        --------
        >>> csv = b"EmpID,Position,DateofHire\\n1,agent,2025-01-06\\n"
        >>> inspect_data({"staff.csv": csv}).profile_block()["mapping"]["employees"]
        {'employee_id': 'EmpID', 'role': 'Position', 'hire_date': 'DateofHire'}
        """
        block: dict[str, Any] = {}
        if path is not None:
            block["path"] = path
        block["tables"] = {t: i.name for t, i in self.tables.items()}
        block["mapping"] = {
            t: dict(i.match.mapping) for t, i in self.tables.items() if i.match is not None
        }
        return block

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        out: dict[str, Any] = {"source": self.source, "tables": {}, "notes": list(self.notes)}
        for table, item in self.tables.items():
            entry: dict[str, Any] = {
                "source": item.source,
                "name": item.name,
                "rows_sampled": item.rows_sampled,
                "problems": list(item.problems),
                "date_order": item.date_order,
            }
            if item.match is not None:
                entry["fields"] = {
                    column: {
                        "header": choice.header,
                        "confidence": choice.confidence,
                        "basis": choice.basis,
                        "samples": list(choice.samples),
                        "rejected": [
                            {"header": r.header, "reason": r.reason} for r in choice.rejected
                        ],
                        "tied_with": list(choice.tied_with),
                    }
                    for column, choice in item.match.fields.items()
                }
                entry["missing"] = {
                    column: {"consequence": m.consequence, "candidates": list(m.candidates)}
                    for column, m in item.match.missing.items()
                }
                entry["unused_columns"] = list(item.match.unused)
                entry["notes"] = list(item.match.notes)
            out["tables"][table] = entry
        return out


def inspect_data(
    source: str | Path | Mapping[str, bytes],
    mapping: Mapping[str, Mapping[str, str]] | None = None,
    *,
    tables: Mapping[str, str] | None = None,
    dayfirst: bool | None = None,
    limits: ReadLimits | None = None,
) -> DataInspection:
    """Recognise the tables of ``source`` and choose their columns, as the loader would.

    Raises :class:`InputError` only when nothing can be read (no files, damaged files, no
    employees table); a table whose columns do not fit is reported in its
    :attr:`TableInspection.problems`.
    """
    limits = limits or ReadLimits.for_size(DEFAULT_MAX_BYTES)
    raws, notes, label = read_tables(source, limits, tables)
    found: dict[str, TableInspection] = {}
    for name in _ORDER:
        raw = raws.get(name)
        if raw is None:
            continue
        sample = raw.sample(SAMPLE_ROWS)
        try:
            match = match_table(
                TABLES[name], raw.source, raw.columns, sample, (mapping or {}).get(name)
            )
        except InputError as exc:
            found[name] = TableInspection(
                name,
                raw.source,
                raw.name,
                len(sample),
                problems=tuple(printable(line, 4000) for line in exc.lines()),
            )
            continue
        found[name] = TableInspection(
            name, raw.source, raw.name, len(sample), match, (), _date_order(match, sample, dayfirst)
        )
    return DataInspection(label, found, tuple(printable(n, 2000) for n in notes))


def _date_order(match: TableMatch, sample: Any, dayfirst: bool | None) -> str | None:
    """How the table's numeric dates would be read, judged on the sample."""
    from tpo_scoping.ingest._dates import DateTrial, try_dates

    spec = TABLES[match.table]
    trials: dict[str, DateTrial | str | None] = {}
    for column, header in match.mapping.items():
        if spec.column(column).kind == "date":
            trials[header] = try_dates(sample[header])
    trials.update({h: v for h, v in match.date_verdicts.items() if h not in trials})
    verdicts = [t.verdict if isinstance(t, DateTrial) else t for t in trials.values()]
    if not any(v is not None for v in verdicts):
        return None
    order = decide_order(trials, dayfirst)
    if order.decided_by is not None:
        return f"{ORDER_WORDS[order.order]}, settled by {printable(order.decided_by, 200)}"
    if order.ambiguous_columns:
        columns = ", ".join(printable(c, 60) for c in order.ambiguous_columns)
        return (
            f"undecided: no day above 12 in the first rows of {columns}; read as"
            f" {ORDER_WORDS[order.order]} unless a later row settles it"
        )
    return ORDER_WORDS[order.order]
