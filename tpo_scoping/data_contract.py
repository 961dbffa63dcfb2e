"""The performance-data contract: the canonical tables, declared once.

Performance data is a set of tables. Only ``employees`` is required. The tables arrive as an
``.xlsx`` workbook with one sheet per table, or as a folder of CSVs named after the tables
(``employees.csv``, ``assessments.csv``, ...); tables are also recognised by their headers,
whatever the file or sheet is called. Loaders map real export headers onto these canonical
columns (the names in ``data/export_headers.yaml``), then check the result against
:func:`pandera_schema`.

==============  ===========================================================
table           columns
==============  ===========================================================
employees       employee_id, role, hire_date (+ site, country, exit_date, name)
assessments     employee_id, competency, score, assessed_on
compliance      employee_id, module, completed_on, expires_on
metrics         employee_id, period, metric, value
training        employee_id, course, completed_on (+ status)
==============  ===========================================================
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # pandera is imported lazily: it is slow to import
    import pandera.pandas as pa

ColumnKind = Literal["id", "text", "date", "number", "country"]


@dataclass(frozen=True)
class Column:
    """A canonical column: its kind and whether it may be empty."""

    name: str
    kind: ColumnKind
    nullable: bool = False
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
                description="Delivery site; without one the team is analysed as one site.",
            ),
            Column("country", "country", nullable=True),
            Column("role", "text"),
            Column("hire_date", "date"),
            Column(
                "exit_date",
                "date",
                nullable=True,
                description="Empty for people still employed; without the column there is no"
                " retention estimate.",
            ),
            Column("name", "text", nullable=True),
        ),
        required=True,
        description="One row per employee, current or former.",
        optional_columns=("site", "country", "exit_date", "name"),
    ),
    "assessments": Table(
        "assessments",
        (
            _EMPLOYEE_ID,
            Column("competency", "text"),
            Column("score", "number"),
            Column("assessed_on", "date"),
        ),
        description="Knowledge or skill assessment scores on a 0–100 scale.",
    ),
    "compliance": Table(
        "compliance",
        (
            _EMPLOYEE_ID,
            Column("module", "text"),
            Column("completed_on", "date", nullable=True),
            Column("expires_on", "date", nullable=True),
        ),
        description="Compliance training completions; module keys from the compliance catalogue.",
        optional_columns=("expires_on",),
    ),
    "metrics": Table(
        "metrics",
        (
            _EMPLOYEE_ID,
            Column("period", "date"),
            Column("metric", "text"),
            Column("value", "number"),
        ),
        description="Performance metric series: productivity, error_rate, csat, handle_time, ...",
    ),
    "training": Table(
        "training",
        (
            _EMPLOYEE_ID,
            Column("course", "text"),
            Column("completed_on", "date"),
            Column(
                "status",
                "text",
                nullable=True,
                description="Training outcome (completed, passed, failed, incomplete, ...);"
                " only completed trainings are kept.",
            ),
        ),
        description="Completed training courses (non-compliance).",
        optional_columns=("status",),
    ),
}
"""Every canonical table, keyed by name. The headers real exports use for each column are
listed, with their sources, in ``data/export_headers.yaml`` (:mod:`tpo_scoping.ingest.headers`)."""

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


@dataclass(frozen=True)
class MetricScale:
    """The plausible range of a known metric (from ``data/metric_scales.yaml``)."""

    metric: str
    low: float
    high: float
    unit: str
    percent_allowed: bool = False
    source: str = ""


@cache
def metric_scales() -> dict[str, MetricScale]:
    """Scale of each known metric; values outside it are dropped by the loader.

    Examples
    --------
    >>> scale = metric_scales()["csat"]
    >>> scale.low, scale.high
    (1.0, 5.0)
    """
    from tpo_scoping.reference import load_reference

    data = load_reference("metric_scales")["metrics"]
    return {
        name: MetricScale(
            name,
            float(item["low"]),
            float(item["high"]),
            str(item["unit"]),
            bool(item.get("percent_allowed", False)),
            str(item.get("source", "")),
        )
        for name, item in data.items()
    }


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
