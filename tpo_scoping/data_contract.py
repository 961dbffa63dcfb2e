"""The performance-data contract: the canonical tables, declared once.

Performance data is a set of tables. Only ``employees`` is required. The tables arrive as an
``.xlsx`` workbook with one sheet per table, or as a folder of CSVs named after the tables
(``employees.csv``, ``assessments.csv``, ...). Loaders map real export headers onto these
canonical columns (the ``synonyms`` below), then check the result against :func:`pandera_schema`.

==============  ===========================================================
table           columns
==============  ===========================================================
employees       employee_id, site, country, role, hire_date, exit_date
assessments     employee_id, competency, score, assessed_on
compliance      employee_id, module, completed_on, expires_on
metrics         employee_id, period, metric, value
training        employee_id, course, completed_on
==============  ===========================================================
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # pandera is imported lazily: it is slow to import
    import pandera.pandas as pa

ColumnKind = Literal["id", "text", "date", "number", "country"]


@dataclass(frozen=True)
class Column:
    """A canonical column: its kind, whether it may be empty, and common export headers."""

    name: str
    kind: ColumnKind
    nullable: bool = False
    synonyms: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class Table:
    """A canonical table of the performance-data contract."""

    name: str
    columns: tuple[Column, ...]
    required: bool = False
    description: str = ""
    optional_columns: tuple[str, ...] = field(default=())

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


_EMPLOYEE_ID = Column(
    "employee_id",
    "id",
    synonyms=(
        "Employee ID",
        "EmployeeID",
        "Emp ID",
        "Emp No",
        "Emp No.",
        "Employee Number",
        "Employee No",
        "Staff ID",
        "User ID",
        "UserID",
        "Worker ID",
        "Person ID",
        "ID",
        "Agent ID",
        "Badge",
        "Learner ID",
    ),
    description="Stable identifier of an employee; joins every table to employees.",
)

TABLES: dict[str, Table] = {
    "employees": Table(
        "employees",
        (
            _EMPLOYEE_ID,
            Column(
                "site",
                "text",
                synonyms=(
                    "Location",
                    "Site Name",
                    "Office",
                    "Work Location",
                    "Delivery Center",
                    "Center",
                    "Hub",
                ),
            ),
            Column(
                "country",
                "country",
                nullable=True,
                synonyms=("Country", "Country Code", "Work Country", "Country/Region"),
            ),
            Column(
                "role",
                "text",
                synonyms=(
                    "Job Title",
                    "Title",
                    "Position",
                    "Job",
                    "Role Name",
                    "Job Role",
                    "Designation",
                    "Function",
                ),
            ),
            Column(
                "hire_date",
                "date",
                synonyms=(
                    "Hire Date",
                    "Start Date",
                    "Date of Hire",
                    "Date Hired",
                    "Joining Date",
                    "Date Joined",
                    "Original Hire Date",
                    "DOJ",
                ),
            ),
            Column(
                "exit_date",
                "date",
                nullable=True,
                synonyms=(
                    "Termination Date",
                    "Exit Date",
                    "End Date",
                    "Leave Date",
                    "Separation Date",
                    "Term Date",
                    "Last Day",
                    "Date of Exit",
                ),
            ),
            Column(
                "name",
                "text",
                nullable=True,
                synonyms=("Name", "Full Name", "Employee Name", "Learner Name"),
            ),
        ),
        required=True,
        description="One row per employee, current or former.",
        optional_columns=("country", "exit_date", "name"),
    ),
    "assessments": Table(
        "assessments",
        (
            _EMPLOYEE_ID,
            Column(
                "competency",
                "text",
                synonyms=(
                    "Skill",
                    "Competency Name",
                    "Assessment",
                    "Topic",
                    "Skill Area",
                    "Module",
                ),
            ),
            Column(
                "score",
                "number",
                synonyms=("Score", "Result", "Score %", "Percent", "Grade", "Mark", "Points"),
            ),
            Column(
                "assessed_on",
                "date",
                synonyms=(
                    "Date",
                    "Assessment Date",
                    "Assessed Date",
                    "Completed",
                    "Completion Date",
                    "Taken On",
                ),
            ),
        ),
        description="Knowledge or skill assessment scores on a 0–100 scale.",
    ),
    "compliance": Table(
        "compliance",
        (
            _EMPLOYEE_ID,
            Column(
                "module",
                "text",
                synonyms=("Course", "Module Name", "Training", "Requirement", "Certification"),
            ),
            Column(
                "completed_on",
                "date",
                nullable=True,
                synonyms=("Completion Date", "Completed", "Date Completed", "Completed On"),
            ),
            Column(
                "expires_on",
                "date",
                nullable=True,
                synonyms=(
                    "Expiry Date",
                    "Expiration Date",
                    "Expires",
                    "Valid Until",
                    "Due Date",
                    "Renewal Date",
                ),
            ),
        ),
        description="Compliance training completions; module keys from the compliance catalogue.",
        optional_columns=("expires_on",),
    ),
    "metrics": Table(
        "metrics",
        (
            _EMPLOYEE_ID,
            Column("period", "date", synonyms=("Month", "Week", "Date", "Period Start", "Week Of")),
            Column("metric", "text", synonyms=("KPI", "Measure", "Metric Name", "Indicator")),
            Column("value", "number", synonyms=("Value", "Result", "Amount", "Score")),
        ),
        description="Performance metric series: productivity, error_rate, csat, handle_time, ...",
    ),
    "training": Table(
        "training",
        (
            _EMPLOYEE_ID,
            Column(
                "course",
                "text",
                synonyms=("Course", "Course Name", "Program", "Training", "Module"),
            ),
            Column(
                "completed_on",
                "date",
                synonyms=("Completion Date", "Completed", "Date", "Date Completed"),
            ),
        ),
        description="Completed training courses (non-compliance).",
    ),
}
"""Every canonical table, keyed by name."""

REQUIRED_TABLES = tuple(name for name, table in TABLES.items() if table.required)

METRIC_DIRECTIONS: dict[str, int] = {
    "productivity": +1,
    "quality": +1,
    "csat": +1,
    "error_rate": -1,
    "handle_time": -1,
}
"""Whether a higher value of a known metric is better (+1) or worse (-1)."""

METRIC_ALIASES: dict[str, str] = {
    "output": "productivity",
    "throughput": "productivity",
    "units_per_hour": "productivity",
    "qa_score": "quality",
    "quality_score": "quality",
    "accuracy": "quality",
    "customer_satisfaction": "csat",
    "csat_score": "csat",
    "errors": "error_rate",
    "error_pct": "error_rate",
    "error_percent": "error_rate",
    "defect_rate": "error_rate",
    "aht": "handle_time",
    "average_handle_time": "handle_time",
    "avg_handle_time": "handle_time",
}
"""Common export names of the known metrics, after normalisation ("AHT" -> "aht")."""


def pandera_schema(table: str) -> pa.DataFrameSchema:
    """A pandera schema for a canonical (already mapped and parsed) table.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"employee_id": ["E1"], "course": ["Excel"],
    ...                       "completed_on": pd.to_datetime(["2025-01-02"])})
    >>> len(pandera_schema("training").validate(frame))
    1
    """
    import pandera.pandas as pa

    spec = TABLES[table]
    checks = {
        "id": pa.Column(str, nullable=False),
        "text": pa.Column(str, nullable=False),
        "country": pa.Column(str, nullable=True),
        "date": pa.Column("datetime64[ns]", nullable=False),
        "number": pa.Column(
            float, pa.Check(lambda s: s.abs() < float("inf"), name="finite"), nullable=False
        ),
    }
    columns = {}
    for col in spec.columns:
        base = checks[col.kind]
        columns[col.name] = pa.Column(
            base.dtype,
            checks=base.checks,
            nullable=col.nullable or base.nullable,
            required=col.name not in spec.optional_columns,
            coerce=col.kind in ("number", "date"),
        )
    if table == "assessments":
        columns["score"] = pa.Column(float, pa.Check.in_range(0, 100), coerce=True)
    return pa.DataFrameSchema(columns, strict=False, name=table)
