"""Property test: junk rows are dropped with a reason each, never crash, never leak through."""

from __future__ import annotations

import csv
import datetime as dt
import io

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tpo_scoping.errors import InputError
from tpo_scoping.ingest import load_performance_data

REFERENCE = dt.date(2026, 1, 31)

# (text in the cell, is it valid?)
IDS = st.sampled_from([("E1", True), ("E2", True), ("E3", True), ("", False), ("  ", False)])
TEXT = st.sampled_from([("Manila", True), ("Bogotá", True), ("", False)])
HIRE = st.sampled_from(
    [
        ("2025-01-06", True),
        ("06/01/2025", True),
        ("2025-13-45", False),
        ("soon", False),
        ("2099-01-01", False),  # future
        ("1025-01-01", False),  # implausible
        ("", False),
    ]
)
EXIT = st.sampled_from(
    [
        ("", True),
        ("2025-06-30", True),
        ("2024-01-01", None),
        ("never", False),
        ("2099-12-31", False),
    ]
)
SCORE = st.sampled_from(
    [
        ("85", 85.0),
        ("85%", 85.0),
        ("72,5", 72.5),
        ("abc", None),
        ("130", None),
        ("-1", None),
        ("", None),
    ]
)
JUNK = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r\n"),
    max_size=12,
)


def _csv(header: list[str], rows: list[list[str]], sep: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target],
)
@given(
    rows=st.lists(st.tuples(IDS, TEXT, TEXT, HIRE, EXIT, JUNK), min_size=1, max_size=12),
    scores=st.lists(st.tuples(IDS, SCORE), max_size=8),
    sep=st.sampled_from([",", ";", "\t"]),
)
def test_junk_rows_are_dropped_with_reasons(rows, scores, sep) -> None:
    header = ["Employee ID", "Location", "Job Title", "Start Date", "Exit Date", "Notes"]
    body = [[r[0][0], r[1][0], r[2][0], r[3][0], r[4][0], r[5]] for r in rows]
    # Which rows should survive, worked out independently of the loader.
    expected: list[str] = []
    # A site column empty on every row is no site column: the team is one site.
    no_sites = all(site == "" for _, (site, _), *_ in rows)
    for (emp, ok_id), (_, ok_site), (_, ok_role), (_h, ok_hire), (_e, ok_exit), _ in rows:
        if ok_exit is None:  # 2024-01-01 is before every valid hire date here
            ok_exit = False
        ok_site = ok_site or no_sites
        if ok_id and ok_site and ok_role and ok_hire and ok_exit and emp not in expected:
            expected.append(emp)
    files = {"employees.csv": _csv(header, body, sep)}
    score_rows = [[emp, "privacy", text, "2025-03-01"] for (emp, _), (text, _) in scores]
    files["assessments.csv"] = _csv(
        ["Emp No", "Skill", "Score %", "Assessment Date"], score_rows, sep
    )
    try:
        data = load_performance_data(files, reference_date=REFERENCE)
    except InputError as err:
        assert not expected, f"valid rows were refused: {err}"
        return
    employees = data.tables["employees"]
    assert employees["employee_id"].tolist() == expected
    quality = data.quality
    assert quality.rows_read["employees"] == len(rows)
    employee_issues = [i for i in quality.issues if i["table"] == "employees"]
    assert len(employee_issues) == len(rows) - len(expected)
    assert all(2 <= i["row"] <= len(rows) + 1 and i["problem"] for i in employee_issues)
    assert len({i["row"] for i in employee_issues}) == len(employee_issues)
    assert (
        employees["exit_date"].isna() | (employees["exit_date"] >= employees["hire_date"])
    ).all()
    # Assessments: kept exactly the valid scores of known employees (duplicates dropped once).
    kept = data.tables.get("assessments")
    want = []
    seen = set()
    for (emp, _), (_, value) in scores:
        if value is not None and emp in expected and (emp, value) not in seen:
            want.append((emp, value))
        if value is not None and emp in expected:
            seen.add((emp, value))
    if kept is not None:
        got = list(zip(kept["employee_id"], kept["score"], strict=True))
        # Duplicate key is (employee, competency, date): the first score per employee wins.
        firsts: dict[str, float] = {}
        for emp, value in want:
            firsts.setdefault(emp, value)
        assert got == list(firsts.items())
        assessment_issues = [i for i in quality.issues if i["table"] == "assessments"]
        assert (
            quality.rows_used["assessments"] + len(assessment_issues)
            == quality.rows_read["assessments"]
        )
