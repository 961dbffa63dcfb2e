"""The signed engagement record: what was agreed, frozen in a folder, read back validated.

A signed engagement is a folder::

    engagement.yaml     schema version, prospect, start, signing date, package version
    profile.yaml        the prospect profile as signed
    kpis.json           the KPI table: baselines, targets, milestones, detectability
    incentives.yaml     the incentive and service-credit rules of the signed clause
    plan.json           the plan: hires, attrition, headcount by quarter, break-even at signing
    assumptions.json    the economics assumptions and needs-analysis settings used
    data/2026Q1/...     one data drop per quarter, in any format the loader reads

Every file carries ``schema_version``. :func:`read_record` validates each file with a declared
schema and the files against each other, and reports every problem with the file and the field
(``kpis.json: kpis[2].milestones[1].day: ...``); tracking then trusts the typed record and
never re-drafts it: a KPI's ``detectable`` flag and the clause's percentages are read from here.

Examples
--------
>>> Period.parse("2026Q3").end.isoformat()
'2026-09-30'
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from tpo_scoping.errors import InputError, Problem
from tpo_scoping.profile import Profile, read_yaml_mapping

SCHEMA_VERSION = 1
"""Version of the record's file formats; a record with another version is refused."""

ENGAGEMENT_FILE = "engagement.yaml"
PROFILE_FILE = "profile.yaml"
KPIS_FILE = "kpis.json"
INCENTIVES_FILE = "incentives.yaml"
PLAN_FILE = "plan.json"
ASSUMPTIONS_FILE = "assumptions.json"
DATA_FOLDER = "data"
RECORD_FILES = (
    ENGAGEMENT_FILE,
    PROFILE_FILE,
    KPIS_FILE,
    INCENTIVES_FILE,
    PLAN_FILE,
    ASSUMPTIONS_FILE,
)

MEASURED_KPIS = (
    "ramp_time",
    "retention_90d",
    "assessment_pass_rate",
    "compliance_coverage",
    "compliance_on_time",
    "productivity",
    "error_rate",
    "csat",
)
"""KPIs tracking can measure from a data drop (see :mod:`tpo_scoping.engagement.measure`)."""

_PERIOD = re.compile(r"^(\d{4})Q([1-4])$")
MAX_RECORD_BYTES = 5_000_000


@dataclass(frozen=True, order=True)
class Period:
    """A calendar quarter, named as its data folder is (``2026Q3``)."""

    year: int
    quarter: int

    @classmethod
    def parse(cls, label: str) -> Period:
        """The quarter a label such as ``2026Q3`` names (``ValueError`` otherwise)."""
        match = _PERIOD.match(label)
        if not match:
            raise ValueError(f"'{label}' is not a quarter such as 2026Q1")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: dt.date) -> Period:
        """The quarter a day falls in.

        >>> Period.of(dt.date(2025, 11, 3)).label
        '2025Q4'
        """
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.quarter}"

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, 3 * self.quarter - 2, 1)

    @property
    def end(self) -> dt.date:
        """The quarter's last day."""
        return self.next().first_day - dt.timedelta(days=1)

    @property
    def last_month(self) -> dt.date:
        """First day of the quarter's last month."""
        return dt.date(self.year, 3 * self.quarter, 1)

    def next(self) -> Period:
        return (
            Period(self.year + 1, 1) if self.quarter == 4 else Period(self.year, self.quarter + 1)
        )


class FieldProblem(ValueError):
    """A cross-field rule broken inside one record file, naming the field it is about."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EngagementInfo(_Strict):
    """``engagement.yaml``: who, when, and which version of the workbench signed it."""

    schema_version: int
    prospect: str = Field(min_length=1)
    start: dt.date
    signed_on: dt.date
    baseline_as_of: dt.date | None = None
    package_version: str
    period: Literal["quarter"] = "quarter"


class SignedMilestone(_Strict):
    day: int = Field(ge=1)
    value: float
    note: str = ""


class SignedKpi(_Strict):
    """One row of the signed KPI table (Schedule A of the contract)."""

    key: str
    name: str
    unit: str
    kind: Literal["proportion", "mean"]
    direction: Literal["higher", "lower"]
    baseline: float
    baseline_ci: tuple[float, float] | None = None
    baseline_source: str = ""
    baseline_is_default: bool = False
    target: float
    milestones: list[SignedMilestone] = Field(min_length=1)
    lag_days: float = Field(ge=0)
    """Days after the start before the KPI can move (its milestones hold the baseline until)."""
    min_detectable_change: float | None = Field(default=None, ge=0)
    detectable: bool | None
    detectability_note: str = ""
    n_per_period: float = Field(ge=0)

    @model_validator(mode="after")
    def _consistent(self) -> SignedKpi:
        days = [m.day for m in self.milestones]
        for i in range(1, len(days)):
            if days[i] <= days[i - 1]:
                raise FieldProblem(
                    f"milestones[{i}].day", f"days must increase ({days[i]} after {days[i - 1]})"
                )
        if self.detectable and self.min_detectable_change is None:
            raise FieldProblem(
                "min_detectable_change",
                "a KPI marked detectable needs its minimum detectable change (the credit rule"
                " measures misses against it)",
            )
        if self.baseline_ci is not None and self.baseline_ci[0] > self.baseline_ci[1]:
            raise FieldProblem("baseline_ci", "the low end is above the high end")
        return self

    def better(self, a: float, b: float) -> float:
        """How far ``a`` is beyond ``b`` in the KPI's good direction (negative: short of it)."""
        return a - b if self.direction == "higher" else b - a


class KpiTable(_Strict):
    """``kpis.json``: the signed KPI table and the settings that produced it."""

    schema_version: int
    cadence: Literal["monthly", "quarterly"]
    ambition: float = Field(ge=0, le=1)
    alpha: float = Field(gt=0, lt=1)
    power: float = Field(gt=0, lt=1)
    target_rule: str = ""
    kpis: list[SignedKpi] = Field(min_length=1)

    @model_validator(mode="after")
    def _known_unique(self) -> KpiTable:
        seen: set[str] = set()
        for i, kpi in enumerate(self.kpis):
            if kpi.key not in MEASURED_KPIS:
                raise FieldProblem(
                    f"kpis[{i}].key",
                    f"no measurement for '{kpi.key}' (known: {', '.join(MEASURED_KPIS)})",
                )
            if kpi.key in seen:
                raise FieldProblem(f"kpis[{i}].key", f"'{kpi.key}' appears twice")
            seen.add(kpi.key)
        return self

    def get(self, key: str) -> SignedKpi | None:
        return next((k for k in self.kpis if k.key == key), None)


class BonusRule(_Strict):
    share_of_quarterly_fee: float = Field(ge=0, le=1)
    when: Literal["all_detectable_milestones_met"]


class CreditRule(_Strict):
    share_per_missed_milestone: float = Field(ge=0, le=1)
    cap_share_per_quarter: float = Field(ge=0, le=1)
    missed_when: Literal["shortfall_beyond_min_detectable_change"]


class IncentiveRules(_Strict):
    """``incentives.yaml``: the signed incentive and service-credit clause, as rules."""

    schema_version: int
    clause: str
    quarterly_fee: float | None = Field(default=None, ge=0)
    currency: str = "USD"
    bonus: BonusRule
    credits: CreditRule


class PlannedQuarter(_Strict):
    quarter: int = Field(ge=1)
    fte: float = Field(ge=0)
    hires: float = Field(ge=0)
    leavers: float = Field(ge=0)


class SignedPlan(_Strict):
    """``plan.json``: planned growth and headcount, and the economics at signing."""

    schema_version: int
    model: str
    go_live_week: int | None = None
    fte_at_start: float = Field(ge=0)
    hires_per_quarter: float = Field(ge=0)
    annual_attrition: float = Field(ge=0)
    headcount: list[PlannedQuarter]
    break_even_fte: float | None = None
    break_even_reason: str | None = None
    cheapest_option: str = ""
    horizon_months: int = Field(ge=1)
    items: list[dict[str, Any]] = Field(default_factory=list)

    @model_validator(mode="after")
    def _quarters_in_order(self) -> SignedPlan:
        quarters = [q.quarter for q in self.headcount]
        if quarters != list(range(1, len(quarters) + 1)):
            raise FieldProblem("headcount", "quarters must be numbered 1, 2, 3, ... in order")
        return self


class Assumptions(_Strict):
    """``assumptions.json``: the economics assumptions and needs settings used at signing."""

    schema_version: int
    economics: dict[str, Any]
    needs_settings: dict[str, Any]


@dataclass(frozen=True)
class SignedEngagement:
    """A signed engagement read back from its folder: every part typed and checked."""

    folder: Path
    info: EngagementInfo
    profile: Profile
    kpis: KpiTable
    incentives: IncentiveRules
    plan: SignedPlan
    assumptions: Assumptions

    @property
    def prospect(self) -> str:
        return self.info.prospect

    @property
    def start(self) -> dt.date:
        return self.info.start

    @property
    def first_period(self) -> Period:
        return Period.of(self.info.start)

    def data_folder(self, period: Period) -> Path:
        return self.folder / DATA_FOLDER / period.label

    def periods_with_data(self) -> list[Period]:
        """The quarters that have a data folder, in order (folder names checked on reading)."""
        root = self.folder / DATA_FOLDER
        if not root.is_dir():
            return []
        return sorted(Period.parse(p.name) for p in root.iterdir() if p.is_dir())


# --------------------------------------------------------------------------------------------
# Reading


def read_record(folder: str | Path) -> SignedEngagement:
    """Read and check a signed engagement folder.

    Raises
    ------
    InputError
        One problem per broken rule, each naming the file and the field.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError("not a folder; give the folder `tpo-scoping sign` wrote", str(folder))
    missing = [name for name in RECORD_FILES if not (folder / name).is_file()]
    if missing:
        raise InputError(
            [
                Problem(str(folder / name), "missing; the folder is not a signed engagement")
                for name in missing
            ]
        )
    problems: list[Problem] = []
    info = _model(folder / ENGAGEMENT_FILE, EngagementInfo, problems)
    kpis = _model(folder / KPIS_FILE, KpiTable, problems)
    incentives = _model(folder / INCENTIVES_FILE, IncentiveRules, problems)
    plan = _model(folder / PLAN_FILE, SignedPlan, problems)
    assumptions = _model(folder / ASSUMPTIONS_FILE, Assumptions, problems)
    profile = _profile(folder / PROFILE_FILE, problems)
    if info is not None and profile is not None and info.prospect != profile.prospect:
        problems.append(
            Problem(
                f"{folder / PROFILE_FILE}: prospect",
                f"'{profile.prospect}' differs from '{info.prospect}' in {ENGAGEMENT_FILE}",
            )
        )
    if info is not None and info.baseline_as_of is not None and info.baseline_as_of >= info.start:
        problems.append(
            Problem(
                f"{folder / ENGAGEMENT_FILE}: baseline_as_of",
                f"{info.baseline_as_of} is not before the start ({info.start})",
            )
        )
    if info is not None:
        problems += _data_folders(folder, info.start)
    if problems:
        raise InputError(problems)
    assert info and profile and kpis and incentives and plan and assumptions
    return SignedEngagement(folder, info, profile, kpis, incentives, plan, assumptions)


def _read_text(path: Path, problems: list[Problem]) -> str | None:
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_RECORD_BYTES + 1)
    except OSError as exc:
        problems.append(Problem(str(path), f"cannot read file ({exc.strerror or exc})"))
        return None
    if len(raw) > MAX_RECORD_BYTES:
        problems.append(Problem(str(path), f"larger than {MAX_RECORD_BYTES:,} bytes"))
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        problems.append(Problem(str(path), "not UTF-8 text"))
        return None


def _document(path: Path, problems: list[Problem]) -> dict[str, Any] | None:
    text = _read_text(path, problems)
    if text is None:
        return None
    if path.suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            problems.append(Problem(str(path), f"not valid JSON (line {exc.lineno}: {exc.msg})"))
            return None
        if not isinstance(data, dict):
            problems.append(Problem(str(path), "must hold a JSON object"))
            return None
        return data
    try:
        return read_yaml_mapping(text, source=str(path), what=path.stem)
    except InputError as exc:
        problems += [Problem(str(path), p.message) if not p.where else p for p in exc.problems]
        return None


def _model(path: Path, model: type[Any], problems: list[Problem]) -> Any:
    data = _document(path, problems)
    if data is None:
        return None
    version = data.get("schema_version")
    if version != SCHEMA_VERSION:
        problems.append(
            Problem(
                f"{path}: schema_version",
                f"is {version!r}; this version of tpo-scoping reads version {SCHEMA_VERSION}",
            )
        )
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            loc = _location(err["loc"])
            cause = (err.get("ctx") or {}).get("error")
            message = str(cause) if cause is not None else err["msg"]
            if isinstance(cause, FieldProblem):
                loc = f"{loc}.{cause.field}" if loc else cause.field
                message = cause.message
            elif err["type"] == "extra_forbidden":
                message = "unknown field"
            problems.append(Problem(f"{path}: {loc}" if loc else str(path), message))
        return None


def _location(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _profile(path: Path, problems: list[Problem]) -> Profile | None:
    from tpo_scoping.profile import load_profile

    try:
        return load_profile(path)
    except InputError as exc:
        problems += [
            Problem(f"{path}: {p.where}" if p.where else str(path), p.message) for p in exc.problems
        ]
        return None


def _data_folders(folder: Path, start: dt.date) -> list[Problem]:
    root = folder / DATA_FOLDER
    if not root.exists():
        return []
    if not root.is_dir():
        return [Problem(str(root), "must be a folder of quarterly data drops")]
    problems = []
    first = Period.of(start)
    for item in sorted(root.iterdir()):
        if item.name.startswith("."):
            continue
        try:
            period = Period.parse(item.name)
        except ValueError:
            problems.append(
                Problem(str(item), "not a quarter folder (name it YYYYQn, e.g. 2026Q1)")
            )
            continue
        if period < first:
            problems.append(
                Problem(str(item), f"is before the engagement's first quarter ({first.label})")
            )
        elif not item.is_dir():
            problems.append(Problem(str(item), "must be a folder holding that quarter's data"))
    return problems
