"""Header names as HR and learning systems export them, from ``data/export_headers.yaml``.

Real exports spell one column many ways: ``EmpID``, ``Emp ID``, ``employee_id``,
``Employee Number``; ``DateofHire``, ``Start Date``, ``originalHireDate``. Names are compared by
their :func:`header_key`, which ignores case, accents, spaces, punctuation, camelCase, bracketed
notes and word breaks, so each spelling is listed once in the data file, with its source.
A name match only proposes a column; :mod:`tpo_scoping.ingest.matching` checks its values.

Examples
--------
>>> header_key("DateofHire") == header_key("Date of Hire (MM/DD/YYYY)")
True
>>> name_match("DateofTermination", "employees", "exit_date")
NameMatch(score=0.9, source='huebner_hr')
>>> training_outcome("Passed"), training_outcome("not attempted"), training_outcome("maybe")
('completed', 'incomplete', None)
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any

from tpo_scoping.reference import load_reference

EXACT = 0.9
"""Score of a header whose key equals a listed name's (1.0 for the canonical name itself)."""

PARTIAL = 0.6
"""Score of a header whose key contains a listed name of at least :data:`PARTIAL_MIN` letters
("Original Hire Date (UTC)" holds "hire date"); such a match needs its content to agree."""

PARTIAL_MIN = 6


@dataclass(frozen=True)
class NameMatch:
    """How well a header's name fits a canonical column, and which source lists the name."""

    score: float
    source: str


def header_key(name: object) -> str:
    """The comparison key of a header: lower case, no accents, letters and digits only.

    Bracketed notes are dropped first ("Hire Date (MM/DD/YYYY)" is "hiredate"), so are
    accents ("Código" is "codigo"); camelCase and word breaks vanish with the separators.

    Examples
    --------
    >>> header_key("Emp. No"), header_key("employeeNumber"), header_key("Training Duration(Days)")
    ('empno', 'employeenumber', 'trainingduration')
    """
    text = re.sub(r"[(\[{][^)\]}]*[)\]}]", " ", str(name))
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return "".join(c for c in text.lower() if c.isalnum())


@cache
def _reference() -> dict[str, Any]:
    return load_reference("export_headers")


@cache
def _names(table: str, column: str) -> tuple[tuple[str, str, str], ...]:
    """(key, name, source) of every listed name of a canonical column, canonical name first."""
    data = _reference()
    owner = data.get("shared", {}).get(column, table)
    groups = data["columns"].get(owner, {}).get(column, [])
    out: list[tuple[str, str, str]] = [(header_key(column), column, "contract")]
    for group in groups:
        for name in group["names"]:
            key = header_key(name)
            if key and all(key != k for k, _, _ in out):
                out.append((key, str(name), str(group["source"])))
    return tuple(out)


def listed_names(table: str, column: str) -> list[str]:
    """The names listed for a canonical column, canonical name first.

    Examples
    --------
    >>> listed_names("employees", "exit_date")[:3]
    ['exit_date', 'Termination Date', 'End Date']
    """
    return [name for _, name, _ in _names(table, column)]


def name_match(header: str, table: str, column: str) -> NameMatch | None:
    """How well ``header``'s name fits ``table.column``: canonical, listed, partial or not."""
    key = header_key(header)
    if not key:
        return None
    names = _names(table, column)
    if key == names[0][0]:
        return NameMatch(1.0, "contract")
    for listed, _, source in names[1:]:
        if key == listed:
            return NameMatch(EXACT, source)
    for listed, _, source in names:
        if len(listed) >= PARTIAL_MIN and listed in key:
            return NameMatch(PARTIAL, source)
    return None


def similarity(header: str, table: str, column: str) -> float:
    """Closeness of a header's key to the nearest listed name (0-1), for "did you mean"."""
    import difflib

    key = header_key(header)
    if not key:
        return 0.0
    return max(
        difflib.SequenceMatcher(None, key, listed).ratio() for listed, _, _ in _names(table, column)
    )


@cache
def _keyed_list(section: str, field: str | None = None) -> frozenset[str]:
    data = _reference()[section]
    groups = data[field] if field else data
    return frozenset(header_key(n) for group in groups for n in group["names"])


def table_named(name: str) -> str | None:
    """The table a file stem or sheet name stands for, if it names one outright."""
    key = header_key(name)
    for table, names in _reference()["table_names"].items():
        if key == header_key(table) or key in {header_key(n) for n in names}:
            return str(table)
    return None


def is_site_candidate(header: str) -> bool:
    """True for headers such as State, Department or Business Unit (see the data file)."""
    return header_key(header) in _keyed_list("site_candidates")


def is_leaver_column(header: str) -> bool:
    """True for headers such as ``Termd`` or ``EmploymentStatus`` that can show leavers."""
    return header_key(header) in _keyed_list("leaver_status", "columns")


def is_leaver_value(value: object) -> bool:
    """True for values such as "Voluntarily Terminated", "Terminated for Cause" or 1."""
    key = header_key(value)
    return key in _keyed_list("leaver_status", "values") or "terminat" in key


def training_outcome(value: object) -> str | None:
    """``completed``, ``failed`` or ``incomplete`` for a training status value; None if unknown."""
    key = header_key(value)
    for outcome in ("completed", "failed", "incomplete"):
        if key in _keyed_list("training_status", outcome):
            return outcome
    return None


def sources() -> dict[str, dict[str, str]]:
    """Every source of the header families, by key: title and address."""
    return {k: dict(v) for k, v in _reference()["sources"].items()}
