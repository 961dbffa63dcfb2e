"""How the workbench writes things for people: the names of its keys, and KPI levels.

Analyses key everything by short identifiers (``healthcare``, ``hipaa_privacy``,
``never_completed``, the site ``all``) and keep shares as fractions; the apps, charts and the
brief show these names and formats instead, the same everywhere.

Examples
--------
>>> domain_label("healthcare"), module_title("hipaa_privacy"), site_label("all")
('Healthcare (US HIPAA)', 'HIPAA Privacy Rule training', 'whole team')
>>> words("systems_navigation")
'systems navigation'
>>> money(1234567.4), money(-2500), money(None)
('$1,234,567', '-$2,500', '–')
"""

from __future__ import annotations

import math

from tpo_scoping.reference import load_reference

MISSING = "–"
"""How every figure that is not there (None, NaN, infinite) is written."""

WHOLE_TEAM = "whole team"
"""The name of the rows the analyses key ``site == "all"`` (every site together)."""

ALL_MODULES = "all modules"
"""The name of the compliance rows keyed ``module == "all"``."""

STATUS_LABELS = {
    "current": "current",
    "expiring_30": "expires in 0–30 days",
    "expiring_60": "expires in 31–60 days",
    "expiring_90": "expires in 61–90 days",
    "overdue": "overdue",
    "never_completed": "never completed",
    "not_yet_due": "not yet due (new hire)",
}
"""Certificate statuses in words (see :mod:`tpo_scoping.needs.compliance`)."""


def money(value: float | None) -> str:
    """US dollars to the dollar with thousands separators; :data:`MISSING` when there is none.

    >>> money(float("nan")), money(-0.4)
    ('–', '$0')
    """
    if value is None or not math.isfinite(value):
        return MISSING
    dollars = round(value)
    sign = "-" if dollars < 0 else ""
    return f"{sign}${abs(dollars):,}"


def words(key: object) -> str:
    """A key as words: underscores become spaces."""
    return str(key).replace("_", " ")


def domain_label(key: str) -> str:
    """How the compliance catalogue names a domain (the key itself if it has no label).

    >>> domain_label("not_in_the_catalogue")
    'not_in_the_catalogue'
    """
    domain = load_reference("compliance_catalogue")["domains"].get(key) or {}
    return str(domain.get("label", key))


def module_title(key: object) -> str:
    """A compliance module by its catalogue title; one the catalogue lacks, as words.

    >>> module_title("house_rules"), module_title("all")
    ('house rules', 'all modules')
    """
    if key == "all":
        return ALL_MODULES
    module = load_reference("compliance_catalogue")["modules"].get(str(key)) or {}
    return str(module.get("title", words(key)))


def site_label(site: object) -> str:
    """A site's name, with the whole-team rows (``all``) named as such."""
    return WHOLE_TEAM if site == "all" else str(site)


def kpi_level(value: float | None, unit: str) -> str:
    """A KPI level as people read it: shares as percentages, scores out of 5, units spelled out.

    Scores keep two decimals: a target a tenth of a point above its baseline must not read the
    same as the baseline.

    >>> kpi_level(0.834, "share"), kpi_level(14.96, "weeks"), kpi_level(4.583, "score 1-5")
    ('83.4 %', '15.0 weeks', '4.58 / 5')
    >>> kpi_level(None, "share")
    '–'
    """
    return "–" if value is None else _kpi_number(value, unit, share="%", score=" / 5")


def kpi_change(value: float | None, unit: str) -> str:
    """A change in a KPI: shares in percentage points, scores in points; '' when there is none.

    >>> kpi_change(0.067, "share"), kpi_change(0.12, "score 1-5"), kpi_change(9.05, "weeks")
    ('6.7 points', '0.12 points', '9.1 weeks')
    """
    return "" if value is None else _kpi_number(value, unit, share="points", score=" points")


def _kpi_number(value: float, unit: str, *, share: str, score: str) -> str:
    """Shares in percent with ``share`` after them, 1-5 scores to two decimals with ``score``."""
    if unit == "share":
        return f"{value * 100:.1f} {share}"
    if unit == "score 1-5":
        return f"{value:.2f}{score}"
    return f"{value:.1f} {unit}"
