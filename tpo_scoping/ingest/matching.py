"""Choose the column for each canonical field by its name and by what it holds.

A header is a candidate for a field when its name fits (:mod:`tpo_scoping.ingest.headers`);
it is chosen only if its values fit too, judged on the first :data:`SAMPLE_ROWS` rows: dates
must read as dates, an employee ID must be mostly unique and not constant, numbers must read
as numbers, a training status must hold training outcomes. Among the candidates that pass, the
best name wins ("Employee ID" over a partial match); equal names are a tie, broken by the order
of the listed names, then of the columns, and reported. "Did you mean" suggestions come from the
same checks, so a constant column is never suggested as an ID.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from tpo_scoping.data_contract import Column, Table
from tpo_scoping.errors import InputError, Problem
from tpo_scoping.ingest import headers as names
from tpo_scoping.ingest._dates import excel_serials, try_dates
from tpo_scoping.labels import pct

SAMPLE_ROWS = 1_000
"""Rows read to judge what a column holds (the whole file is read once, later, and only the
chosen columns)."""

MIN_DATE_SHARE = 0.8
"""A date field's column must read as dates in at least this share of its non-empty cells."""

MIN_ID_UNIQUE_SHARE = 0.5
"""An employee ID column must be distinct on at least this share of its non-empty cells (a
category such as EmployeeType repeats a few values; a real ID repeats only on duplicates)."""

MIN_STATUS_SHARE = 0.5

SUGGEST_SIMILARITY = 0.6
"""How close a header's name must be to a listed name to be suggested ("did you mean")."""

_NUMBER = r"[-+]?\d+(?:[.,]\d+)?%?"

_EXIT_HINTS = ("term", "exit", "end", "leav", "separat", "left", "resign", "lastday", "lastwork")


@dataclass(frozen=True)
class Rejected:
    """A header that was considered for a field and not chosen, with the reason."""

    header: str
    reason: str


@dataclass(frozen=True)
class FieldChoice:
    """The column chosen for one canonical field (``header`` None when none fits)."""

    column: str
    header: str | None
    confidence: float
    """Name fit × content fit, 0-1 (1: the canonical name, every value as expected)."""
    basis: str
    """Why the header was chosen: ``mapping``, ``canonical name``, ``listed name (SOURCE)``
    or ``partial name (SOURCE)``."""
    samples: tuple[str, ...] = ()
    rejected: tuple[Rejected, ...] = ()
    tied_with: tuple[str, ...] = ()


@dataclass(frozen=True)
class MissingField:
    """An optional field with no column, what follows from it, and columns that might hold it."""

    column: str
    consequence: str
    candidates: tuple[str, ...] = ()

    def line(self, table: str) -> str:
        text = f"{self.consequence}"
        if self.candidates:
            text += f"; columns that may hold it: {', '.join(self.candidates)}"
        option = f"--map {table}.{self.column}=COLUMN"
        if self.column == "site":
            option = f"--site-column COLUMN or {option}"
        return text + f" (to use a column: {option})"


@dataclass(frozen=True)
class TableMatch:
    """How one raw table's columns map onto a canonical table."""

    table: str
    source: str
    fields: dict[str, FieldChoice]
    unused: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    missing: dict[str, MissingField] = field(default_factory=dict)
    date_verdicts: dict[str, str | None] = field(default_factory=dict)
    """What each unchosen date-like column says about the day/month order (from the sample)."""

    @property
    def mapping(self) -> dict[str, str]:
        """Canonical column -> header, for the columns found."""
        return {c: f.header for c, f in self.fields.items() if f.header is not None}


# --------------------------------------------------------------------------------------------
# Content checks


class _Sample:
    """The first rows of a table, and each column's non-empty cells (stripped, once)."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self.rows = len(frame)
        self._cells: dict[str, pd.Series] = {}

    def cells(self, header: str) -> pd.Series:
        if header not in self._cells:
            values = self.frame[header]
            if isinstance(values, pd.DataFrame):  # a header that appears twice: the first one
                values = values.iloc[:, 0]
            text = values.dropna().astype(str).str.strip()
            self._cells[header] = text[text != ""]
        return self._cells[header]


def _shown(values: pd.Series, k: int = 3) -> str:
    uniq = pd.unique(values)[:k]
    return ", ".join(f"'{str(v)[:30]}'" for v in uniq)


def date_share(values: pd.Series) -> float:
    """Share of cells that some date layout (or an Excel serial) reads."""
    if len(values) == 0:
        return 0.0
    trial = try_dates(values)
    read = np.zeros(len(trial.values), dtype=bool)
    for parsed in trial.results.values():
        read |= parsed.notna().to_numpy()
    read |= excel_serials(trial.values).notna().to_numpy()
    return float(read[trial.codes].mean())


def content_fit(
    values: pd.Series, column: Column, table: Table, rows: int, name_score: float = 1.0
) -> tuple[float, str | None]:
    """How well the non-empty ``values`` of a header fit ``column``: (0-1, reason if unfit).

    A column that is empty on every sampled row fits no field that needs values. Otherwise a
    header with the canonical name is always taken (its bad cells are dropped row by row,
    with reasons); a listed name needs half its values to fit, a partial name
    :data:`MIN_DATE_SHARE` of them; an employee ID must never be constant nor mostly repeated.
    """
    n = len(values)
    if rows == 0:
        return 1.0, None  # a header without rows: nothing to judge by
    if n == 0:
        if column.nullable:
            return 0.5, None
        return 0.0, f"empty in the first {rows:,} rows"
    canonical = name_score >= 1.0
    need = 0.0 if canonical else (0.5 if name_score >= names.EXACT else MIN_DATE_SHARE)
    if column.kind == "date":
        share = date_share(values)
        if share < need or share == 0:
            return 0.0, f"not dates ({pct(share)} read as dates; e.g. {_shown(values)})"
        return share, None
    if column.kind == "id":
        if table.name != "employees":  # other tables repeat the IDs
            return 1.0, None
        distinct = values.nunique()
        if canonical:
            return distinct / n, None
        if distinct == 1 and n >= 2:
            return 0.0, f"the same value on every row ({_shown(values, 1)})"
        unique = distinct / n
        if unique < MIN_ID_UNIQUE_SHARE:
            return 0.0, f"not an ID: only {pct(unique)} of values are distinct"
        return unique, None
    if column.kind == "number":
        from tpo_scoping.ingest._parse import parse_numbers

        parsed, _ = parse_numbers(values)
        share = float(parsed.notna().mean())
        if share < need or share == 0:
            return 0.0, f"not numbers ({pct(share)} read; e.g. {_shown(values)})"
        return share, None
    if column.name == "status":
        outcomes = values.map(names.training_outcome)
        share = float(outcomes.notna().mean())
        # A column called "status" is the status, whatever it holds: rows whose value is no
        # known outcome are then not counted as completions (and the report names the values).
        if not canonical and share < max(need, MIN_STATUS_SHARE):
            return 0.0, f"not training outcomes (e.g. {_shown(values)})"
        return share, None
    return 1.0, None


# --------------------------------------------------------------------------------------------
# Matching


def _basis(match: names.NameMatch) -> str:
    if match.score >= 1.0:
        return "canonical name"
    kind = "listed name" if match.score >= names.EXACT else "partial name"
    return f"{kind} ({match.source})"


def match_table(
    spec: Table,
    source: str,
    headers: list[str],
    frame: pd.DataFrame,
    explicit: Mapping[str, str] | None = None,
) -> TableMatch:
    """Choose a header for each field of ``spec`` from the names and the first rows (``frame``).

    Raises :class:`InputError` naming the file when a required field has no fitting column
    (with the columns that came closest and why they were rejected), or when an explicit
    mapping names a column the file does not have.
    """
    sample = _Sample(frame)
    rows = sample.rows
    position = {h: i for i, h in reversed(list(enumerate(headers)))}
    chosen: dict[str, FieldChoice] = {}
    used: set[str] = set()
    notes: list[str] = []
    problems: list[Problem] = []
    fits: dict[tuple[str, str], tuple[float, str | None]] = {}

    def fit(column: Column, header: str) -> tuple[float, str | None]:
        key = (column.name, header)
        if key not in fits:
            match = names.name_match(header, spec.name, column.name)
            score = match.score if match else 0.0
            fits[key] = content_fit(sample.cells(header), column, spec, rows, score)
        return fits[key]

    by_key: dict[str, str] = {}
    for h in headers:
        by_key.setdefault(names.header_key(h), h)
    for canonical, header in (explicit or {}).items():
        if canonical not in spec.column_names:
            problems.append(
                Problem(
                    f"data.mapping.{spec.name}.{canonical}",
                    f"'{canonical}' is not a column of {spec.name}"
                    f" (columns: {', '.join(spec.column_names)})",
                )
            )
            continue
        found = header if header in position else by_key.get(names.header_key(header))
        if found is None:
            problems.append(
                Problem(
                    source,
                    f"the mapping says {spec.name}.{canonical} is in column '{header}', which is"
                    f" not in the header{_did_you_mean(header, headers)}",
                )
            )
            continue
        column = spec.column(canonical)
        score, reason = fit(column, found)
        if reason:
            notes.append(
                f"{source}: column '{found}' was mapped to {spec.name}.{canonical} but is"
                f" {reason}; its rows are checked one by one"
            )
        chosen[canonical] = FieldChoice(
            canonical, found, score if not reason else 0.0, "mapping", _samples(sample, found)
        )
        used.add(found)
    if problems:
        raise InputError(problems)

    # Every (field, header) pair whose name fits, best first.
    pairs: list[tuple[float, int, int, int, str, str, names.NameMatch]] = []
    for c_order, column in enumerate(spec.columns):
        if column.name in chosen:
            continue
        listed = [names.header_key(n) for n in names.listed_names(spec.name, column.name)]
        for header in headers:
            match = names.name_match(header, spec.name, column.name)
            if match is None:
                continue
            key = names.header_key(header)
            rank = listed.index(key) if key in listed else len(listed)
            pairs.append(
                (-match.score, c_order, rank, position[header], column.name, header, match)
            )
    pairs.sort(key=lambda p: p[:4])
    rejected: dict[str, list[Rejected]] = {}
    passing: dict[str, list[tuple[float, str]]] = {}
    for neg_score, _, _, _, canonical, header, match in pairs:
        column = spec.column(canonical)
        content, reason = fit(column, header)
        if reason:
            rejected.setdefault(canonical, []).append(Rejected(header, reason))
            continue
        passing.setdefault(canonical, []).append((-neg_score, header))
        if canonical in chosen or header in used:
            if canonical not in chosen:
                rejected.setdefault(canonical, []).append(
                    Rejected(header, "already used for another field")
                )
            continue
        chosen[canonical] = FieldChoice(
            canonical,
            header,
            round(match.score * content, 3),
            _basis(match),
            _samples(sample, header),
        )
        used.add(header)
    for canonical, choice in list(chosen.items()):
        if choice.basis == "mapping":
            continue
        best = max(s for s, _ in passing.get(canonical, [(0.0, "")]))
        tied = tuple(h for s, h in passing.get(canonical, []) if s == best and h != choice.header)
        others = tuple(r for r in rejected.get(canonical, []) if r.header != choice.header)
        chosen[canonical] = FieldChoice(
            choice.column,
            choice.header,
            choice.confidence,
            choice.basis,
            choice.samples,
            others,
            tied,
        )
        if tied:
            notes.append(
                f"{source}: {spec.name}.{canonical} could be '{choice.header}' or"
                f" {', '.join(repr(t) for t in tied)}; chose '{choice.header}' (listed first)."
                f" Choose another with --map {spec.name}.{canonical}=COLUMN"
            )
    required = [c.name for c in spec.columns if c.name not in spec.optional_columns]
    missing = [c for c in required if c not in chosen]
    if missing:
        raise InputError(
            [
                Problem(source, _missing_message(spec, sample, c, headers, used, rejected, fit))
                for c in missing
            ]
        )
    fields = {
        c.name: chosen.get(c.name)
        or FieldChoice(c.name, None, 0.0, "", (), tuple(rejected.get(c.name, ())))
        for c in spec.columns
    }
    unused = tuple(h for h in headers if h not in used)
    missing_optional = _missing_optional(spec, fields, unused, sample, rows, fit)
    verdicts = _date_verdicts(unused, sample)
    return TableMatch(
        spec.name,
        source,
        fields,
        unused,
        tuple(notes),
        missing_optional,
        verdicts,
    )


def _samples(sample: _Sample, header: str, k: int = 3) -> tuple[str, ...]:
    values = sample.cells(header)
    return tuple(str(v)[:40] for v in pd.unique(values)[:k])


def _did_you_mean(header: str, headers: list[str]) -> str:
    import difflib

    keyed = {names.header_key(h): h for h in headers}
    found = difflib.get_close_matches(names.header_key(header), list(keyed), n=1, cutoff=0.6)
    return f" (did you mean '{keyed[found[0]]}'?)" if found else ""


def _listing(headers: list[str], limit: int = 40) -> str:
    """The headers, whole names only, with a count when there are more than ``limit``."""
    shown = ", ".join(headers[:limit])
    return shown + (f", … ({len(headers)} columns)" if len(headers) > limit else "")


def _missing_message(
    spec: Table,
    sample: _Sample,
    canonical: str,
    headers: list[str],
    used: set[str],
    rejected: Mapping[str, list[Rejected]],
    fit: Any,
) -> str:
    column = spec.column(canonical)
    looked = names.listed_names(spec.name, canonical)[:8]
    text = f"no column for {spec.name}.{canonical} (looked for: {', '.join(looked)}, …)"
    refused = rejected.get(canonical, [])
    if refused:
        text += "; rejected: " + "; ".join(f"'{r.header}' ({r.reason})" for r in refused[:3])
    suggestions = []
    for header in headers:
        if header in used or any(r.header == header for r in refused):
            continue
        closeness = names.similarity(header, spec.name, canonical)
        if closeness < SUGGEST_SIMILARITY:
            continue
        values = sample.cells(header)
        if column.kind == "text" and len(values) and values.str.fullmatch(_NUMBER).mean() > 0.9:
            continue  # numbers are not names of roles or sites
        score, reason = fit(column, header)
        if reason is None and score > 0:
            suggestions.append((closeness, header))
    if suggestions:
        best = max(suggestions)[1]
        text += f" (did you mean '{best}'?)"
    text += (
        f". The header has: {_listing(headers)}."
        f" Map it with --map {spec.name}.{canonical}=COLUMN or in the profile:"
        f" data.mapping.{spec.name}.{canonical}"
    )
    return text


def _missing_optional(
    spec: Table,
    fields: Mapping[str, FieldChoice],
    unused: tuple[str, ...],
    sample: _Sample,
    rows: int,
    fit: Any,
) -> dict[str, MissingField]:
    """What follows from an optional field the file lacks, and which columns might hold it."""
    out: dict[str, MissingField] = {}
    if spec.name != "employees":
        return out
    if fields["exit_date"].header is None:
        candidates: list[str] = []
        for header in unused:
            key = names.header_key(header)
            if any(h in key for h in _EXIT_HINTS):
                _, reason = fit(spec.column("exit_date"), header)
                if reason is None:
                    candidates.append(f"{header} (dates)")
        for header in unused:
            if names.is_leaver_column(header):
                values = sample.cells(header)
                leavers = values[values.map(names.is_leaver_value)]
                if len(leavers):
                    kinds = " / ".join(str(v) for v in pd.unique(leavers)[:3])
                    candidates.append(
                        f"{header} = {kinds} on {len(leavers):,} of {len(values):,} rows"
                        " (shows who left, not when)"
                    )
        out["exit_date"] = MissingField(
            "exit_date",
            "no exit dates found: retention and churn cannot be estimated",
            tuple(candidates),
        )
    if fields["site"].header is None:
        found = [h for h in unused if names.is_site_candidate(h)]
        out["site"] = MissingField(
            "site",
            "no site column found: the team is analysed as one site ('whole team')",
            tuple(found),
        )
    return out


def _date_verdicts(unused: tuple[str, ...], sample: _Sample) -> dict[str, str | None]:
    """The day/month verdict of every unchosen column that holds dates (from the sample)."""
    out: dict[str, str | None] = {}
    for header in unused:
        values = sample.cells(header)
        if len(values) == 0 or not values.str.contains(r"\d", regex=True).all():
            continue
        if values.str.fullmatch(_NUMBER).all():
            continue  # plain numbers (IDs, counts, salaries) say nothing about dates
        if date_share(values) >= MIN_DATE_SHARE:
            out[header] = try_dates(values).verdict
    return out


def table_fit(headers: list[str], spec: Table) -> tuple[int, int, float]:
    """(required fields whose name some header fits, required fields, total name score).

    Used to tell which canonical table a file or sheet holds, by its headers alone.

    Examples
    --------
    >>> from tpo_scoping.data_contract import TABLES
    >>> table_fit(["EmpID", "Position", "DateofHire", "State"], TABLES["employees"])[:2]
    (3, 3)
    """
    required = [c.name for c in spec.columns if c.name not in spec.optional_columns]
    covered = 0
    total = 0.0
    for column in spec.columns:
        best = max(
            (m.score for h in headers if (m := names.name_match(h, spec.name, column.name))),
            default=0.0,
        )
        total += best
        if column.name in required and best > 0:
            covered += 1
    return covered, len(required), total
