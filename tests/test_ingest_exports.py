"""Real HR and LMS exports load as they come: the export-shaped corpus in tests/corpus/exports.

Each file was written from the seeded generator's clean tables in the layout of one product or
public data set (``make_exports.py``); each is loaded with no profile and no mapping, and the
mapping chosen and the results are checked against the clean tables: 90-day retention as the
clean tables give it, the dates the generator planted, the training rows that were completed.
"""

from __future__ import annotations

import json

import openpyxl
import pandas as pd
import pytest

from tests.conftest import ROOT
from tests.corpus.exports import make_exports as corpus
from tpo_scoping.errors import InputError
from tpo_scoping.ingest import from_frames, load_performance_data
from tpo_scoping.ingest.inspection import inspect_data
from tpo_scoping.needs import analyse_needs

EXPORTS = ROOT / "tests" / "corpus" / "exports"
AS_OF = corpus.as_of().date()


@pytest.fixture(scope="module")
def clean():
    """The needs analysis of the clean tables: the truth every export must reproduce."""
    return analyse_needs(from_frames(corpus.clean_tables()), as_of=AS_OF)


def _load(name: str, **kwargs):
    return load_performance_data(EXPORTS / name, reference_date=AS_OF, **kwargs)


def _retention(result, site: str = "all", day: int = 90) -> tuple[float, int, int]:
    point = result.retention_at(site, day)
    return point.estimate, point.at_risk, point.exits


def _clean_dates(ids: pd.Series) -> pd.DataFrame:
    employees = corpus.clean_tables()["employees"].copy()
    if ids.astype(str).str.fullmatch(r"\d+").all():
        employees["employee_id"] = employees["employee_id"].map(corpus.numeric_id).astype(str)
    return employees.set_index("employee_id")[["hire_date", "exit_date"]]


def _same_dates(data) -> None:
    employees = data.employees.set_index("employee_id")[["hire_date", "exit_date"]]
    truth = _clean_dates(data.employees["employee_id"]).loc[employees.index]
    pd.testing.assert_frame_equal(employees, truth, check_dtype=False)


def test_the_corpus_is_what_the_script_writes() -> None:
    for name, data in corpus.files().items():
        assert (EXPORTS / name).read_bytes() == data, f"{name} is stale: run make_exports.py"
    written = openpyxl.load_workbook(EXPORTS / "hr_core_dataset.xlsx")
    fresh = openpyxl.load_workbook(__import__("io").BytesIO(corpus.core_dataset_workbook()))
    for sheet in fresh.sheetnames:
        assert [[c.value for c in r] for r in written[sheet].iter_rows()] == [
            [c.value for c in r] for r in fresh[sheet].iter_rows()
        ]


# ----------------------------------------------------------------------------------------------
# HR systems


def test_hr_dataset_v14_loads_with_no_mapping(clean) -> None:
    data = _load("hr_dataset_v14.csv")
    assert data.quality.mapping["employees"] == {
        "employee_id": "EmpID",
        "role": "Position",
        "hire_date": "DateofHire",
        "exit_date": "DateofTermination",
        "name": "Employee_Name",
    }
    order = data.quality.date_orders["employees"]
    assert order["order"] == "monthfirst" and "DateofHire" in order["decided_by"]
    assert order["ambiguous_rows"] == 0
    _same_dates(data)
    # No site column: one team, and the report names the columns that might be sites.
    site = data.quality.missing_fields["employees.site"]
    assert {"State", "Department"} <= set(site["candidates"])
    assert set(data.employees["site"]) == {"whole team"}
    result = analyse_needs(data, as_of=AS_OF)
    assert _retention(result) == _retention(clean)
    assert _retention(result, day=30) == _retention(clean, day=30)


def test_site_column_chosen_on_the_command_line_gives_each_sites_retention(clean) -> None:
    data = _load("hr_dataset_v14.csv", mapping={"employees": {"site": "State"}})
    result = analyse_needs(data, as_of=AS_OF)
    for site, state in corpus.STATES.items():
        assert _retention(result, state) == _retention(clean, site)
    assert "employees.site" not in data.quality.missing_fields


def test_without_exit_dates_retention_is_not_estimated_and_the_report_says_why() -> None:
    from tpo_scoping.kpis import draft_kpis
    from tpo_scoping.profile import parse_profile

    data = _load("hr_dataset_v14_no_exit_dates.csv")
    assert not data.supplied("employees", "exit_date")
    missing = data.quality.missing_fields["employees.exit_date"]
    assert "retention and churn cannot be estimated" in missing["consequence"]
    leavers = int(corpus.clean_tables()["employees"]["exit_date"].notna().sum())
    total = len(corpus.clean_tables()["employees"])
    assert (
        f"Termd = 1 on {leavers} of {total} rows (shows who left, not when)"
        in (missing["candidates"])
    )
    assert any(
        c.startswith("EmploymentStatus = Voluntarily Terminated") for c in missing["candidates"]
    )
    result = analyse_needs(data, as_of=AS_OF)
    assert result.retention.empty and result.km_curves.empty and not result.logrank
    assert "retention_90d" not in result.baseline
    assert any("no exit dates found" in n and "Termd" in n for n in result.notes)
    assert any("no exit dates found" in w for w in result.quality.warnings)
    # Downstream code sees no retention rows: the KPI baseline is the packaged default and
    # the verdict names no site for early attrition.
    profile = parse_profile("prospect: X\nsites: [{country: PH, fte: 50}]\n")
    assert result.to_dict()["retention"] == []
    kpi = next(k for k in draft_kpis(profile, result).kpis if k.key == "retention_90d")
    assert kpi.baseline_is_default and "default" in kpi.baseline_source
    assert result.low_retention_sites() == []


def test_the_brief_says_retention_was_not_estimated(tmp_path) -> None:
    from tpo_scoping.scope import build_scope

    profile = tmp_path / "profile.yaml"
    profile.write_text(
        "prospect: Example\nsites: [{country: PH, fte: 50}]\n"
        f"data: {{path: {EXPORTS / 'hr_dataset_v14_no_exit_dates.csv'}}}\n",
        "utf-8",
    )
    scope = build_scope(profile, as_of=AS_OF, simulations=0)
    assert any("no exit dates found" in n and "Termd" in n for n in scope.notes)
    assert not any(k.key == "retention_90d" and not k.baseline_is_default for k in scope.kpis.kpis)


def test_a_folder_of_files_named_by_the_export_is_recognised_by_content(clean) -> None:
    data = _load("hr_export")
    assert data.quality.sources["employees"].endswith("employee_data.csv")
    assert data.quality.sources["training"].endswith("training_and_development_data.csv")
    assert data.quality.mapping["employees"]["hire_date"] == "StartDate"
    assert data.quality.mapping["employees"]["exit_date"] == "ExitDate"
    assert data.quality.mapping["employees"]["role"] == "Title"
    assert data.quality.mapping["training"] == {
        "employee_id": "Employee ID",
        "course": "Training Program Name",
        "completed_on": "Training Date",
        "status": "Training Outcome",
    }
    _same_dates(data)  # 20-Sep-19 style dates, two-digit years
    assert _retention(analyse_needs(data, as_of=AS_OF)) == _retention(clean)
    # Only completed trainings count; failed and incomplete ones are counted, not used.
    training = data.tables["training"]
    truth = corpus.clean_tables()["training"]
    assert sorted(training["employee_id"]) == sorted(
        truth["employee_id"].map(corpus.numeric_id).astype(str)
    )
    assert data.quality.outcomes["training"] == {
        "completed": len(truth),
        "failed": 2,
        "incomplete": 2,
        "unrecognised": 0,
        "empty": 0,
    }
    reasons = data.quality.dropped_by_reason()["training"]
    assert reasons == {"not completed: failed": 2, "not completed: incomplete": 2}
    # Read but unused: training impact needs the metrics table, which this export lacks.
    result = analyse_needs(data, as_of=AS_OF)
    assert "metrics" in result.quality.unused["training"]


@pytest.mark.parametrize(
    ("name", "mapping", "ties"),
    [
        (
            "workday_worker_data.csv",
            {
                "employee_id": "Employee_ID",
                "site": "Location",
                "role": "Job_Title",
                "hire_date": "Start_Date",
                "exit_date": "Termination_Date",
                "name": "Full_Name",
            },
            {},
        ),
        (
            "bamboohr_employees.csv",
            {
                "employee_id": "employeeNumber",
                "site": "location",
                "role": "jobTitle",
                "hire_date": "hireDate",
                "exit_date": "terminationDate",
                "name": "displayName",
            },
            {},
        ),
        (
            "ukg_employees.csv",
            {
                "employee_id": "Employee number",
                "site": "Primary work location code",
                "role": "Job description",
                "hire_date": "Original hire date",
                "exit_date": "Termination date",
            },
            {"hire_date": "Last hire date"},
        ),
        (
            "oracle_hcm_workers.tsv",
            {
                "employee_id": "Person Number",
                "site": "Assignment Location Name",
                "role": "Assignment Job Name",
                "hire_date": "Person Start Date",
                "exit_date": "ActualTerminationDate",
                "name": "Person Full Name",
            },
            {},
        ),
    ],
)
def test_hr_system_exports_map_and_give_the_clean_retention(clean, name, mapping, ties) -> None:
    data = _load(name)
    assert data.quality.mapping["employees"] == mapping
    _same_dates(data)
    result = analyse_needs(data, as_of=AS_OF)
    for site in ("all", *corpus.STATES):
        assert _retention(result, site) == _retention(clean, site)
    for column, other in ties.items():
        assert any(f"employees.{column} could be" in n and other in n for n in data.quality.notes)
    inspection = inspect_data(EXPORTS / name)
    for column, header in ties.items():
        assert inspection.tables["employees"].match.fields[column].tied_with == (header,)


def test_a_workbook_sheet_with_another_name_is_found_by_its_columns(clean) -> None:
    data = _load("hr_core_dataset.xlsx")
    assert data.quality.sources["employees"].endswith("[Core Data Set]")
    assert data.quality.mapping["employees"]["employee_id"] == "Employee Number"
    assert any("skipped 1 title row" in n for n in data.quality.notes)
    assert any("[Production Staff]: ignored" in n for n in data.quality.notes)
    _same_dates(data)
    assert _retention(analyse_needs(data, as_of=AS_OF)) == _retention(clean)
    named = _load("hr_core_dataset.xlsx", tables={"employees": "Core Data Set"})
    pd.testing.assert_frame_equal(named.employees, data.employees)
    with pytest.raises(InputError) as err:
        _load("hr_core_dataset.xlsx", tables={"employees": "Staff"})
    assert "no file or sheet called 'Staff'" in str(err.value)
    assert "Core Data Set" in str(err.value) and "Production Staff" in str(err.value)


# ----------------------------------------------------------------------------------------------
# Dates, rows, suggestions


def test_an_undecided_date_order_is_reported_with_the_rows_it_affects() -> None:
    _, differing = corpus.ambiguous_roster()
    assert differing  # the file was built to hold some
    data = _load("roster_ambiguous_dates.csv")
    order = data.quality.date_orders["employees"]
    assert order["decided_by"] is None and order["order"] == "dayfirst"
    assert order["ambiguous_rows"] == len(differing)
    assert order["rows"] == differing[:20]
    warning = next(w for w in data.quality.warnings if "could be day-first or month-first" in w)
    assert f"rows {', '.join(map(str, differing[:3]))}" in warning
    # Read day-first, exactly the differing rows' dates are wrong; month-first, all are right.
    truth = _clean_dates(data.employees["employee_id"])
    dayfirst = data.employees.set_index("employee_id")["hire_date"]
    wrong = dayfirst != truth.loc[dayfirst.index, "hire_date"]
    assert wrong.sum() > 0
    fixed = _load("roster_ambiguous_dates.csv", dayfirst=False)
    _same_dates(fixed)
    assert (
        "employees" not in fixed.quality.date_orders
        or not fixed.quality.date_orders["employees"]["ambiguous_rows"]
    )


def test_a_short_row_is_refused_with_its_line() -> None:
    _, line = corpus.short_row_roster()
    with pytest.raises(InputError) as err:
        _load("roster_short_row.csv")
    assert f"row {line} has 5 fields where the header has 6" in str(err.value)


def test_an_id_is_never_suggested_from_a_constant_or_repeating_column() -> None:
    with pytest.raises(InputError) as err:
        _load("attrition_survey.csv")
    message = str(err.value)
    assert "no column for employees.employee_id" in message
    assert "did you mean 'EmployeeCount'" not in message
    assert "did you mean 'EmployeeType'" not in message
    assert "no column for employees.hire_date" in message
    # The header list is never cut inside a name.
    assert "Age, Attrition, Department, EmployeeCount, EmployeeType, JobRole." in message


# ----------------------------------------------------------------------------------------------
# Learning systems


@pytest.mark.parametrize(
    ("name", "status", "counts"),
    [
        (
            "lms/scorm_results.csv",
            "cmi.core.lesson_status",
            {"failed": 2, "incomplete": 6},
        ),
        ("lms/cornerstone_transcript.csv", "Transcript Status", {"failed": 1, "incomplete": 2}),
    ],
)
def test_lms_exports_count_only_completed_trainings(name, status, counts) -> None:
    files = {
        "workday_worker_data.csv": (EXPORTS / "workday_worker_data.csv").read_bytes(),
        name.split("/")[-1]: (EXPORTS / name).read_bytes(),
    }
    data = load_performance_data(files, reference_date=AS_OF)
    assert data.quality.mapping["training"]["status"] == status
    truth = corpus.clean_tables()["training"]
    kept = data.tables["training"]
    assert sorted(zip(kept["employee_id"], kept["completed_on"], strict=True)) == sorted(
        zip(truth["employee_id"], truth["completed_on"], strict=True)
    )
    outcomes = data.quality.outcomes["training"]
    assert outcomes["completed"] == len(truth)
    assert {k: outcomes[k] for k in counts} == counts


# ----------------------------------------------------------------------------------------------
# inspect and --write-mapping


@pytest.mark.parametrize(
    "name",
    [
        "hr_dataset_v14.csv",
        "hr_export",
        "workday_worker_data.csv",
        "ukg_employees.csv",
        "hr_core_dataset.xlsx",
    ],
)
def test_the_written_mapping_reproduces_the_tables(name: str) -> None:
    inspection = inspect_data(EXPORTS / name)
    assert inspection.ok
    block = inspection.profile_block()
    detected = _load(name)
    mapped = _load(name, mapping=block["mapping"], tables=block["tables"])
    for table, frame in detected.tables.items():
        pd.testing.assert_frame_equal(mapped.tables[table], frame)


def test_cli_inspect_needs_and_map(cli, tmp_path) -> None:
    out = tmp_path / "mapping.yaml"
    run = cli("inspect", EXPORTS / "hr_dataset_v14.csv", "--write-mapping", out)
    assert run.code == 0, run.err
    assert "DateofHire" in run.out and "no site column found" in run.out and "State" in run.out
    text = out.read_text("utf-8")
    assert "exit_date: DateofTermination" in text and "employees: hr_dataset_v14.csv" in text
    as_of = ("--as-of", AS_OF.isoformat())
    run = cli(
        "needs",
        EXPORTS / "hr_dataset_v14.csv",
        *as_of,
        "--site-column",
        "State",
        "--format",
        "json",
    )
    assert run.code == 0, run.err
    assert {r["site"] for r in json.loads(run.out)["retention"]} == {"all", "MA", "CT"}
    no_exits = EXPORTS / "hr_dataset_v14_no_exit_dates.csv"
    run = cli("needs", no_exits, *as_of)
    assert run.code == 0, run.err
    assert "no exit dates found: retention and churn cannot be estimated" in run.out
    assert "Retention of new hires" not in run.out
    run = cli("needs", no_exits, "--map", 'employees.exit_dat="DateofTermination"')
    assert run.code == 2 and "did you mean exit_date" in run.err
    run = cli("needs", no_exits, "--map", "employees.exit_date=Termination Date")
    assert run.code == 2 and "'Termination Date', which is not in the header" in run.err
