"""Pseudonymisation of employee identifiers for reports and exports, and log hygiene.

Prospects' performance data is personal data. The analyses only ever report aggregates, but a
few places can name a person: the data-quality report quotes the offending value of a dropped
row (``unknown employee ID 'E00042'``), and an export of cleaned tables carries ``employee_id``
and ``name`` columns. Before such output leaves the consultant's machine:

* :class:`Pseudonymiser` replaces each employee ID by a keyed hash (HMAC-SHA256 with a salt,
  ``emp-`` + 12 hex digits). With a salt of your own the pseudonyms are stable across runs, so
  two reports can be joined; without one a random per-run salt is drawn, and the pseudonyms
  cannot be linked to anything outside the run. The hash is keyed, so a list of likely IDs
  cannot be hashed to reverse it without the salt.
* :func:`pseudonymise_frame` replaces the ID columns of a table and drops the name columns.
* :func:`pseudonymise_report` walks a plain (JSON-ready) result and replaces every employee ID
  and name it finds, whether as a value of an ``employee_id`` field or quoted inside a text.
* :class:`RedactingFilter` is a :class:`logging.Filter` that does the same to log records, for
  anything that might log a row.

Formula: ``pseudonym(id) = "emp-" + hex(HMAC_SHA256(salt, utf8(strip(id))))[:12]``.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

PREFIX = "emp-"
DIGITS = 12
"""Hex digits kept from the HMAC: 48 bits, so collisions are negligible below millions of IDs."""

ID_COLUMNS = ("employee_id",)
NAME_COLUMNS = ("name", "employee_name", "full_name")
REDACTED_NAME = "[name removed]"


class Pseudonymiser:
    """Keyed, deterministic pseudonyms for employee IDs.

    Parameters
    ----------
    salt : str or bytes, optional
        The secret key. Give the same salt to get the same pseudonyms in two runs; keep it
        private, since whoever holds it can test guesses. Default: 16 random bytes per instance.

    Examples
    --------
    >>> p = Pseudonymiser("our-secret")
    >>> p("E00042") == p(" E00042 "), p("E00042").startswith("emp-"), len(p("E00042"))
    (True, True, 16)
    >>> Pseudonymiser("other")("E00042") != p("E00042")
    True
    """

    def __init__(self, salt: str | bytes | None = None) -> None:
        self.salt_given = salt is not None
        if salt is None:
            key = secrets.token_bytes(16)
        elif isinstance(salt, str):
            key = salt.encode("utf-8")
        else:
            key = bytes(salt)
        if not key:
            raise ValueError("the salt must not be empty")
        self._key = key

    def __call__(self, employee_id: Any) -> str:
        text = str(employee_id).strip()
        digest = hmac.new(self._key, text.encode("utf-8"), hashlib.sha256).hexdigest()
        return PREFIX + digest[:DIGITS]

    def __repr__(self) -> str:  # never show the key
        return f"Pseudonymiser(salt={'given' if self.salt_given else 'random'})"


def pseudonymise_frame(
    frame: pd.DataFrame,
    pseudonymiser: Pseudonymiser,
    id_columns: Iterable[str] = ID_COLUMNS,
    name_columns: Iterable[str] = NAME_COLUMNS,
) -> pd.DataFrame:
    """A copy of ``frame`` with ID columns pseudonymised and name columns dropped.

    Missing values stay missing.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"employee_id": ["E1", "E2"], "name": ["Ana", "Ben"], "site": "X"})
    >>> out = pseudonymise_frame(frame, Pseudonymiser("s"))
    >>> list(out.columns), out["employee_id"].str.startswith("emp-").all()
    (['employee_id', 'site'], np.True_)
    """
    out = frame.drop(columns=[c for c in name_columns if c in frame.columns])
    for column in id_columns:
        if column in out.columns:
            values = out[column]
            out[column] = values.map(lambda v: pseudonymiser(v) if _present(v) else v)
    return out


def _present(value: Any) -> bool:
    return value is not None and value == value and str(value).strip() != ""


def identifiers(employees: pd.DataFrame) -> tuple[list[str], list[str]]:
    """The employee IDs and names found in an employees table (stripped, non-empty, unique)."""
    ids: list[str] = []
    names: list[str] = []
    if "employee_id" in employees.columns:
        ids = sorted({str(v).strip() for v in employees["employee_id"] if _present(v)})
    for column in NAME_COLUMNS:
        if column in employees.columns:
            names += sorted({str(v).strip() for v in employees[column] if _present(v)})
    return ids, sorted(set(names))


class _Replacer:
    """Replaces IDs and names inside text: quoted anywhere, bare when bounded by non-word text."""

    def __init__(
        self, ids: Iterable[str], names: Iterable[str], pseudonymiser: Pseudonymiser
    ) -> None:
        self.pseudonymiser = pseudonymiser
        self.ids = {i for i in ids if i}
        self.names = {n for n in names if n}
        tokens = sorted(self.ids | self.names, key=len, reverse=True)
        # A bare token is replaced only when it cannot be part of a longer word or number; very
        # short purely numeric IDs ("7") are replaced only where quoted or as a whole value.
        bare = [t for t in tokens if not (t.isdigit() and len(t) < 4)]
        self._quoted = (
            re.compile("'(" + "|".join(map(re.escape, tokens)) + ")'") if tokens else None
        )
        self._bare = (
            re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, bare)) + r")(?![\w-])")
            if bare
            else None
        )

    def token(self, text: str) -> str:
        if text in self.ids:
            return self.pseudonymiser(text)
        return REDACTED_NAME

    def text(self, value: str) -> str:
        stripped = value.strip()
        if stripped in self.ids or stripped in self.names:
            return self.token(stripped)
        if self._quoted is not None:
            value = self._quoted.sub(lambda m: "'" + self.token(m.group(1)) + "'", value)
        if self._bare is not None:
            value = self._bare.sub(lambda m: self.token(m.group(1)), value)
        return value


def pseudonymise_report(
    report: Any,
    employees: pd.DataFrame | None = None,
    pseudonymiser: Pseudonymiser | None = None,
    *,
    ids: Iterable[str] = (),
    names: Iterable[str] = (),
) -> Any:
    """A copy of a plain result with employee IDs pseudonymised and names removed.

    ``report`` is what :func:`tpo_scoping.serialize.to_jsonable` returns (dicts, lists, text,
    numbers). Values of ``employee_id`` fields are replaced, fields named like a name column are
    dropped, and IDs or names inside texts (``unknown employee ID 'E00042'``) are replaced.

    Parameters
    ----------
    report : dict or list
        The plain result.
    employees : DataFrame, optional
        The employees table the IDs and names come from (see :func:`identifiers`).
    pseudonymiser : Pseudonymiser, optional
        Default: a new one with a random salt.
    ids, names : iterable of str
        More identifiers to replace (e.g. IDs found only in other tables).

    Examples
    --------
    >>> p = Pseudonymiser("s")
    >>> out = pseudonymise_report({"issues": [{"problem": "unknown employee ID 'E9'"}]},
    ...                           pseudonymiser=p, ids=["E9"])
    >>> out["issues"][0]["problem"] == f"unknown employee ID '{p('E9')}'"
    True
    """
    from tpo_scoping.serialize import to_jsonable

    found_ids, found_names = identifiers(employees) if employees is not None else ([], [])
    replacer = _Replacer(
        [*found_ids, *map(str, ids)],
        [*found_names, *map(str, names)],
        pseudonymiser or Pseudonymiser(),
    )
    return _walk(to_jsonable(report), replacer, key="")


def _walk(obj: Any, replacer: _Replacer, key: str) -> Any:
    if isinstance(obj, Mapping):
        out = {}
        for k, v in obj.items():
            if k in NAME_COLUMNS and (isinstance(v, str) or v is None) and _is_person(key):
                continue
            if k in ID_COLUMNS and _present(v) and not isinstance(v, dict | list):
                out[k] = replacer.pseudonymiser(v)
                continue
            out[replacer.text(k) if isinstance(k, str) else k] = _walk(v, replacer, str(k))
        return out
    if isinstance(obj, list):
        return [_walk(v, replacer, key) for v in obj]
    if isinstance(obj, str):
        return replacer.text(obj)
    return obj


def _is_person(parent_key: str) -> bool:
    """Whether a ``name`` field under ``parent_key`` names a person (not a KPI or a site)."""
    return parent_key in ("", "employees", "people", "rows", "records") or "employee" in parent_key


class RedactingFilter(logging.Filter):
    """A logging filter that pseudonymises employee IDs and removes names from log messages.

    Examples
    --------
    >>> f = RedactingFilter(ids=["E00042"], names=["Ana Reyes"], pseudonymiser=Pseudonymiser("s"))
    >>> args = ("E00042", "Ana Reyes")
    >>> record = logging.LogRecord("x", logging.INFO, "", 0, "row of %s (%s)", args, None)
    >>> f.filter(record), "E00042" in record.getMessage(), "Ana" in record.getMessage()
    (True, False, False)
    """

    def __init__(
        self,
        ids: Iterable[str] = (),
        names: Iterable[str] = (),
        pseudonymiser: Pseudonymiser | None = None,
    ) -> None:
        super().__init__()
        self._replacer = _Replacer(map(str, ids), map(str, names), pseudonymiser or Pseudonymiser())

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = self._replacer.text(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        return True
