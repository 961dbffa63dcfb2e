"""Regenerate the export-shaped files here: ``python tests/corpus/exports/make_exports.py``.

Each file holds one prospect's tables from the seeded generator (``tpo_scoping.synthetic``, no
real people), written the way an HR or learning system's export writes them: its headers, its
date style, its extra columns, its file or sheet name. ``tests/test_ingest_exports.py`` loads
each with no profile and no mapping and checks the mapping chosen and the results against the
clean tables (:func:`clean_tables`), which are the planted truth.

The headers follow the sources listed in ``tpo_scoping/data/export_headers.yaml`` (Huebner's
HR data set v14, a Workday custom report, BambooHR's field names, UKG Pro, Oracle HCM, the
SCORM run-time data model, Cornerstone's transcript report, Docebo's enrolment fields); columns
the analysis does not read are filled with plain synthetic values.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from tpo_scoping.synthetic import DEFAULT_SEED, SCENARIOS, generate

HERE = Path(__file__).resolve().parent
SCENARIO = "growing_healthcare"
SEED = DEFAULT_SEED
STATES = {"Manila": "MA", "Bogota": "CT"}
"""Sites written as US state codes, as a US HR system records location."""


@cache
def clean_tables() -> dict[str, pd.DataFrame]:
    """The canonical tables every file here was written from (the truth the tests check)."""
    return generate(SCENARIOS[SCENARIO], SEED).tables


def as_of() -> pd.Timestamp:
    return pd.Timestamp(SCENARIOS[SCENARIO].as_of)


def numeric_id(employee_id: str) -> int:
    """E00012 -> 10012: HR systems such as the Huebner data set number their employees."""
    return 10_000 + int(employee_id[1:])


def _csv(header: list[str], rows: list[list[object]], sep: str = ",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _date(value: object, fmt: str) -> str:
    if pd.isna(value):
        return ""
    return pd.Timestamp(value).strftime(fmt)  # type: ignore[arg-type]


def _mdy(value: object) -> str:
    """7/5/2011: month/day/year without leading zeros, as the v14 data set writes dates."""
    if pd.isna(value):
        return ""
    stamp = pd.Timestamp(value)  # type: ignore[arg-type]
    return f"{stamp.month}/{stamp.day}/{stamp.year}"


def _last_first(name: str) -> str:
    first, _, last = name.rpartition(" ")
    return f"{last}, {first}" if first else name


def hr_dataset_v14(with_exits: bool = True) -> bytes:
    """Huebner & Patalano's HRDataset_v14 layout: 36 columns, M/D/YYYY, sites as states."""
    header = [
        "Employee_Name",
        "EmpID",
        "MarriedID",
        "MaritalStatusID",
        "GenderID",
        "EmpStatusID",
        "DeptID",
        "PerfScoreID",
        "FromDiversityJobFairID",
        "Salary",
        "Termd",
        "PositionID",
        "Position",
        "State",
        "Zip",
        "DOB",
        "Sex",
        "MaritalDesc",
        "CitizenDesc",
        "HispanicLatino",
        "RaceDesc",
        "DateofHire",
        "DateofTermination",
        "TermReason",
        "EmploymentStatus",
        "Department",
        "ManagerName",
        "ManagerID",
        "RecruitmentSource",
        "PerformanceScore",
        "EngagementSurvey",
        "EmpSatisfaction",
        "SpecialProjectsCount",
        "LastPerformanceReview_Date",
        "DaysLateLast30",
        "Absences",
    ]
    rows = []
    for i, e in enumerate(clean_tables()["employees"].itertuples(index=False)):
        left = pd.notna(e.exit_date)
        dob = pd.Timestamp(e.hire_date) - pd.DateOffset(years=24 + i % 15, days=i * 7 % 300)
        rows.append(
            [
                _last_first(e.name),
                numeric_id(e.employee_id),
                i % 2,
                i % 4,
                i % 2,
                5 if left else 1,
                5,
                3,
                0,
                45_000 + 137 * i,
                int(left),
                19 if e.role == "team_lead" else 20,
                e.role,
                STATES[e.site],
                f"0{2100 + i}",
                f"{dob.month:02d}/{dob.day:02d}/{dob.year % 100:02d}",
                "F" if i % 2 else "M",
                "Single",
                "US Citizen",
                "No",
                "White",
                _mdy(e.hire_date),
                _mdy(e.exit_date) if with_exits else "",
                "career change" if left else "N/A-StillEmployed",
                "Voluntarily Terminated" if left else "Active",
                "Production",
                "Jordan Reyes",
                7,
                "Indeed",
                "Fully Meets",
                4.1,
                4,
                0,
                "1/17/2026",
                0,
                i % 20,
            ]
        )
    if not with_exits:
        at = header.index("DateofTermination")
        header = header[:at] + header[at + 1 :]
        rows = [r[:at] + r[at + 1 :] for r in rows]
    return _csv(header, rows)


def employee_data() -> bytes:
    """A 26-column HR export (employee_data.csv) with Excel's default date style, 20-Sep-19."""
    header = [
        "EmpID",
        "FirstName",
        "LastName",
        "StartDate",
        "ExitDate",
        "Title",
        "Supervisor",
        "ADEmail",
        "BusinessUnit",
        "EmployeeStatus",
        "EmployeeType",
        "PayZone",
        "EmployeeClassificationType",
        "TerminationType",
        "TerminationDescription",
        "DepartmentType",
        "Division",
        "DOB",
        "State",
        "JobFunctionDescription",
        "GenderCode",
        "LocationCode",
        "RaceDesc",
        "MaritalDesc",
        "Performance Score",
        "Current Employee Rating",
    ]
    rows = []
    for i, e in enumerate(clean_tables()["employees"].itertuples(index=False)):
        first, _, last = e.name.rpartition(" ")
        left = pd.notna(e.exit_date)
        rows.append(
            [
                numeric_id(e.employee_id),
                first,
                last,
                _date(e.hire_date, "%d-%b-%y"),
                _date(e.exit_date, "%d-%b-%y"),
                e.role,
                "Jordan Reyes",
                f"user{i}@example.com",
                "CCDR",
                "Voluntarily Terminated" if left else "Active",
                ("Full-Time", "Part-Time", "Contract")[i % 3],
                "Zone A",
                "Full-Time",
                "Voluntary" if left else "Unk",
                "career change" if left else "",
                "Production",
                "Claims",
                _date(pd.Timestamp(e.hire_date) - pd.DateOffset(years=30), "%d-%m-%Y"),
                STATES[e.site],
                "Claims processing",
                "F" if i % 2 else "M",
                2100 + i % 50,
                "White",
                "Single",
                "Fully Meets",
                3,
            ]
        )
    return _csv(header, rows)


OUTCOMES = ("Completed", "Passed", "Failed", "Incomplete")
"""Training outcomes written in turn; the clean training rows are the Completed/Passed ones."""


def training_and_development() -> bytes:
    """Training records (training_and_development_data.csv) with an outcome per row.

    Every clean training row is written as Completed or Passed; a Failed and an Incomplete
    attempt of another course are added for the first employees, so the completed rows are
    exactly the clean table and the failed/incomplete ones must be left out.
    """
    header = [
        "Employee ID",
        "Training Date",
        "Training Program Name",
        "Training Type",
        "Training Outcome",
        "Location",
        "Trainer",
        "Training Duration(Days)",
        "Training Cost",
    ]
    rows = []
    training = clean_tables()["training"]
    for i, t in enumerate(training.itertuples(index=False)):
        rows.append(
            [
                numeric_id(t.employee_id),
                _date(t.completed_on, "%d-%b-%y"),
                t.course,
                "Internal",
                OUTCOMES[i % 2],
                "Manila",
                "Alex Santos",
                2,
                310.5,
            ]
        )
    for i, t in enumerate(training.head(4).itertuples(index=False)):
        rows.append(
            [
                numeric_id(t.employee_id),
                _date(pd.Timestamp(t.completed_on) - pd.Timedelta(days=40), "%d-%b-%y"),
                "advanced_claims",
                "External",
                OUTCOMES[2 + i % 2],
                "Manila",
                "Alex Santos",
                3,
                420.0,
            ]
        )
    return _csv(header, rows)


Column = tuple[str, Callable[[Any], object]]
"""A header and how its cell is written from one clean employee row."""


def _employee_export(columns: list[Column], sep: str = ",") -> bytes:
    """The clean employees table written under an HR system's headers, one column each."""
    employees = clean_tables()["employees"].itertuples(index=False)
    rows = [[cell(e) for _, cell in columns] for e in employees]
    return _csv([header for header, _ in columns], rows, sep)


def _dated(column: str, fmt: str) -> Callable[[Any], object]:
    return lambda e: _date(getattr(e, column), fmt)


def _constant(value: object) -> Callable[[Any], object]:
    return lambda _: value


def workday_report() -> bytes:
    """A Workday custom report ("Worker Data") as CSV: Employee_ID, Start_Date, Location, ISO."""
    return _employee_export(
        [
            ("Employee_ID", lambda e: e.employee_id),
            ("Full_Name", lambda e: e.name),
            ("Start_Date", _dated("hire_date", "%Y-%m-%d")),
            ("Termination_Date", _dated("exit_date", "%Y-%m-%d")),
            ("Location", lambda e: e.site),
            ("Job_Title", lambda e: e.role),
            ("Employee_Type", _constant("Regular")),
            ("Manager_Name", _constant("Jordan Reyes")),
            ("Manager_ID", _constant("E00900")),
            ("Team_ID", _constant("T1")),
            ("Team_Name", _constant("Claims")),
        ]
    )


def bamboohr_report() -> bytes:
    """A BambooHR custom report with API field names as headers."""
    return _employee_export(
        [
            ("employeeNumber", lambda e: e.employee_id),
            ("displayName", lambda e: e.name),
            ("hireDate", _dated("hire_date", "%Y-%m-%d")),
            ("terminationDate", _dated("exit_date", "%Y-%m-%d")),
            ("location", lambda e: e.site),
            ("jobTitle", lambda e: e.role),
            ("department", _constant("Claims")),
            ("division", _constant("Operations")),
            (
                "employmentHistoryStatus",
                lambda e: "Terminated" if pd.notna(e.exit_date) else "Full-Time",
            ),
        ]
    )


def ukg_report() -> bytes:
    """A UKG Pro employee report: original and last hire dates (a tie), Sep 20, 2019 dates."""
    return _employee_export(
        [
            ("Employee number", lambda e: numeric_id(e.employee_id)),
            ("Original hire date", _dated("hire_date", "%b %d, %Y")),
            ("Last hire date", _dated("hire_date", "%b %d, %Y")),
            ("Termination date", _dated("exit_date", "%b %d, %Y")),
            ("Primary work location code", lambda e: e.site),
            ("Job description", lambda e: e.role),
            ("Org level 1 code", _constant("OPS")),
        ],
        sep=";",
    )


def oracle_extract() -> bytes:
    """An Oracle HCM extract: Person Number, Person Start Date, 2019-Sep-20 dates, tab-separated."""
    return _employee_export(
        [
            ("Person Number", lambda e: e.employee_id),
            ("Person Full Name", lambda e: e.name),
            ("Person Start Date", _dated("hire_date", "%Y-%b-%d")),
            ("ActualTerminationDate", _dated("exit_date", "%Y-%b-%d")),
            ("Assignment Location Name", lambda e: e.site),
            ("Assignment Job Name", lambda e: e.role),
            ("Assignment Business Unit Name", _constant("Health Claims BU")),
        ],
        sep="\t",
    )


def ambiguous_roster() -> tuple[bytes, list[int]]:
    """Employees whose dates all have a day of 12 or less, written month-first (MM/DD/YYYY).

    Nothing in the file settles the order: the loader must say so and name the rows that
    would read differently. Returns the file and those rows (the header is row 1).
    """
    employees = clean_tables()["employees"]
    small = employees[
        (employees["hire_date"].dt.day <= 12)
        & (employees["exit_date"].isna() | (employees["exit_date"].dt.day <= 12))
    ]
    rows = []
    differing = []
    for row, e in enumerate(small.itertuples(index=False), start=2):
        dates = [d for d in (e.hire_date, e.exit_date) if pd.notna(d)]
        if any(d.day != d.month for d in dates):
            differing.append(row)
        rows.append(
            [
                e.employee_id,
                e.site,
                e.role,
                _date(e.hire_date, "%m/%d/%Y"),
                _date(e.exit_date, "%m/%d/%Y"),
            ]
        )
    return _csv(["Employee ID", "Location", "Job Title", "Hire Date", "Exit Date"], rows), differing


def short_row_roster() -> tuple[bytes, int]:
    """A roster whose sixth data row lost its last field: returns the file and that line."""
    employees = clean_tables()["employees"].head(10)
    lines = ["Employee ID,Location,Job Title,Hire Date,Exit Date,Country"]
    for e in employees.itertuples(index=False):
        lines.append(
            f"{e.employee_id},{e.site},{e.role},{_date(e.hire_date, '%Y-%m-%d')},"
            f"{_date(e.exit_date, '%Y-%m-%d')},{e.country}"
        )
    lines[6] = lines[6].rsplit(",", 1)[0]
    return ("\n".join(lines) + "\n").encode(), 7


def attrition_survey() -> bytes:
    """An attrition survey with no hire dates (IBM data set layout): not an employees table.

    ``EmployeeCount`` is 1 on every row and ``EmployeeType`` repeats three values: neither may
    be offered as an employee ID.
    """
    header = ["Age", "Attrition", "Department", "EmployeeCount", "EmployeeType", "JobRole"]
    rows = [
        [25 + i % 30, "Yes" if i % 5 == 0 else "No", "Claims", 1, ("A", "B", "C")[i % 3], "agent"]
        for i in range(40)
    ]
    return _csv(header, rows)


def scorm_results() -> bytes:
    """A SCORM 1.2 results export: cmi.core.student_id and cmi.core.lesson_status per course."""
    header = ["cmi.core.student_id", "Course", "cmi.core.lesson_status", "Completion Date"]
    statuses = ("passed", "completed", "failed", "incomplete", "browsed", "not attempted")
    rows = []
    for i, t in enumerate(clean_tables()["training"].itertuples(index=False)):
        rows.append([t.employee_id, t.course, statuses[i % 2], _date(t.completed_on, "%Y-%m-%d")])
    for i, e in enumerate(clean_tables()["employees"].head(8).itertuples(index=False)):
        rows.append([e.employee_id, "advanced_claims", statuses[2 + i % 4], ""])
    return _csv(header, rows)


def cornerstone_transcript() -> bytes:
    """A Cornerstone transcript report: User ID, Training Title, Transcript Status."""
    header = ["User ID", "Training Title", "Training Type", "Transcript Status", "Completion Date"]
    rows = [
        [t.employee_id, t.course, "Online Class", "Completed", _date(t.completed_on, "%m/%d/%Y")]
        for t in clean_tables()["training"].itertuples(index=False)
    ]
    rows += [
        [e.employee_id, "advanced_claims", "Online Class", status, ""]
        for e, status in zip(
            clean_tables()["employees"].head(3).itertuples(index=False),
            ("In Progress", "Registered", "Failed"),
            strict=True,
        )
    ]
    return _csv(header, rows)


def core_dataset_workbook() -> bytes:
    """A workbook whose employees are on a sheet called "Core Data Set", dates as Excel dates,
    between a title sheet and a sheet of staff counts that is no table of ours."""
    from openpyxl import Workbook

    book = Workbook()
    about = book.active
    about.title = "About"
    about.append(["HR data export"])
    about.append(["Generated for a demonstration; synthetic people only."])
    core = book.create_sheet("Core Data Set")
    core.append(["Report: employees, all statuses"])  # a title row above the header
    core.append(
        [
            "Employee Name",
            "Employee Number",
            "State",
            "Date of Hire",
            "Date of Termination",
            "Employment Status",
            "Position",
            "Department",
        ]
    )
    for e in clean_tables()["employees"].itertuples(index=False):
        core.append(
            [
                e.name,
                numeric_id(e.employee_id),
                STATES[e.site],
                pd.Timestamp(e.hire_date).to_pydatetime(),
                pd.Timestamp(e.exit_date).to_pydatetime() if pd.notna(e.exit_date) else None,
                "Voluntarily Terminated" if pd.notna(e.exit_date) else "Active",
                e.role,
                "Production",
            ]
        )
    for row in core.iter_rows(min_row=3, min_col=4, max_col=5):
        for cell in row:
            cell.number_format = "m/d/yyyy"
    staff = book.create_sheet("Production Staff")
    staff.append(["Department", "Headcount"])
    staff.append(["Production", len(clean_tables()["employees"])])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def files() -> dict[str, bytes]:
    """Every file of the corpus, by path relative to this folder."""
    return {
        "hr_dataset_v14.csv": hr_dataset_v14(),
        "hr_dataset_v14_no_exit_dates.csv": hr_dataset_v14(with_exits=False),
        "hr_export/employee_data.csv": employee_data(),
        "hr_export/training_and_development_data.csv": training_and_development(),
        "workday_worker_data.csv": workday_report(),
        "bamboohr_employees.csv": bamboohr_report(),
        "ukg_employees.csv": ukg_report(),
        "oracle_hcm_workers.tsv": oracle_extract(),
        "roster_ambiguous_dates.csv": ambiguous_roster()[0],
        "roster_short_row.csv": short_row_roster()[0],
        "attrition_survey.csv": attrition_survey(),
        "lms/scorm_results.csv": scorm_results(),
        "lms/cornerstone_transcript.csv": cornerstone_transcript(),
    }


def write_all() -> None:
    for name, data in files().items():
        path = HERE / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (HERE / "hr_core_dataset.xlsx").write_bytes(core_dataset_workbook())


if __name__ == "__main__":
    write_all()
