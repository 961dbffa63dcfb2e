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


# ----------------------------------------------------------------------------------------------
# Headers, date orders, row widths and training outcomes, as exports vary them


def _listed() -> list[tuple[str, str, str]]:
    from tpo_scoping.data_contract import TABLES
    from tpo_scoping.ingest.headers import listed_names

    return [
        (table, column, name)
        for table, spec in TABLES.items()
        for column in spec.column_names
        for name in listed_names(table, column)
    ]


@settings(max_examples=200, deadline=None)
@given(
    listed=st.sampled_from(_listed()),
    separator=st.sampled_from(["", " ", "_", "-", ".", "  "]),
    cases=st.lists(st.sampled_from(["lower", "upper", "title"]), min_size=8, max_size=8),
    note=st.sampled_from(["", " (MM/DD/YYYY)", " [UTC]", "  "]),
)
def test_a_listed_header_matches_however_it_is_spelled(listed, separator, cases, note) -> None:
    import re

    from tpo_scoping.ingest.headers import EXACT, name_match

    table, column, name = listed
    words = re.findall(r"[A-Z]+(?=[A-Z][a-z]|\b|_|\d)|[A-Z]?[a-z]+|[A-Z]+|\d+", name)
    styled = [getattr(w, case)() for w, case in zip(words, cases * 4, strict=False)]
    spelled = separator.join(styled) + note
    match = name_match(spelled, table, column)
    assert match is not None and match.score >= EXACT, spelled


DATES = st.dates(min_value=dt.date(2001, 1, 1), max_value=dt.date(2025, 12, 31))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    hires=st.lists(DATES, min_size=1, max_size=12),
    order=st.sampled_from(["dayfirst", "monthfirst"]),
    sep=st.sampled_from(["/", "-"]),
)
def test_the_date_order_is_decided_by_any_day_above_12(hires, order, sep) -> None:
    import pandas as pd

    fmt = f"%d{sep}%m{sep}%Y" if order == "dayfirst" else f"%m{sep}%d{sep}%Y"
    rows = [[f"E{i}", "Manila", "agent", d.strftime(fmt)] for i, d in enumerate(hires)]
    files = {"employees.csv": _csv(["Employee ID", "Location", "Role", "Hire Date"], rows, ",")}
    data = load_performance_data(files, reference_date=REFERENCE)
    got = dict(zip(data.employees["employee_id"], data.employees["hire_date"], strict=True))
    truth = {f"E{i}": pd.Timestamp(d) for i, d in enumerate(hires)}
    settled = any(d.day > 12 for d in hires)
    differing = [i + 2 for i, d in enumerate(hires) if d.day != d.month]
    order_report = data.quality.date_orders.get("employees", {})
    if settled or order == "dayfirst" or not differing:
        assert got == truth
    if settled:
        assert order_report["order"] == order and order_report["decided_by"]
    elif differing:
        assert order_report["decided_by"] is None
        assert order_report["rows"] == differing[:20]
        assert any("could be day-first or month-first" in w for w in data.quality.warnings)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    size=st.integers(min_value=1, max_value=10),
    bad=st.integers(min_value=0, max_value=9),
    delta=st.sampled_from([-2, -1, 1, 2]),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]),
    sep=st.sampled_from([",", ";", "\t"]),
)
def test_a_row_with_a_field_too_many_or_too_few_is_refused_with_its_line(
    size, bad, delta, quoting, sep
) -> None:
    header = ["Employee ID", "Location", "Role", "Hire Date", "Notes"]
    rows = [[f"E{i}", "Manila, PH", "agent", "2025-01-06", "x"] for i in range(size)]
    bad %= size
    rows[bad] = rows[bad][: len(header) + delta] if delta < 0 else rows[bad] + ["extra"] * delta
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\n", quoting=quoting)
    writer.writerow(header)
    writer.writerows(rows)
    try:
        load_performance_data(
            {"employees.csv": buffer.getvalue().encode()}, reference_date=REFERENCE
        )
    except InputError as err:
        assert f"row {bad + 2} has {len(header) + delta} fields where the header has 5" in str(err)
    else:
        raise AssertionError("a row of the wrong width was read")


OUTCOME_WORDS = st.sampled_from(
    [
        ("Completed", "completed"),
        ("passed", "completed"),
        ("Complete", "completed"),
        ("Failed", "failed"),
        ("fail", "failed"),
        ("Incomplete", "incomplete"),
        ("In Progress", "incomplete"),
        ("not attempted", "incomplete"),
        ("browsed", "incomplete"),
        ("Maybe", "unrecognised"),
    ]
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(statuses=st.lists(OUTCOME_WORDS, min_size=1, max_size=15))
def test_only_completed_trainings_are_kept_and_the_rest_counted(statuses) -> None:
    employees = _csv(
        ["Employee ID", "Location", "Role", "Hire Date"],
        [["E1", "Manila", "agent", "2024-01-08"]],
        ",",
    )
    rows = [["E1", f"course {i}", "2025-03-01", word] for i, (word, _) in enumerate(statuses)]
    training = _csv(["Employee ID", "Course", "Completion Date", "Status"], rows, ",")
    data = load_performance_data(
        {"employees.csv": employees, "training.csv": training}, reference_date=REFERENCE
    )
    assert data.quality.mapping["training"]["status"] == "Status"
    kept = set(data.tables["training"]["course"]) if "training" in data.tables else set()
    assert kept == {f"course {i}" for i, (_, kind) in enumerate(statuses) if kind == "completed"}
    counts = data.quality.outcomes["training"]
    for kind in ("completed", "failed", "incomplete", "unrecognised"):
        assert counts[kind] == sum(k == kind for _, k in statuses)
