"""How the workbench writes things for people: the names of its keys, amounts, shares and levels.

Analyses key everything by short identifiers (``healthcare``, ``hipaa_privacy``,
``never_completed``, the site ``all``, the option ``catalog_licensing``) and keep shares as
fractions; the notebooks, the apps, the brief and the CLI show these names and formats instead,
from the functions here, so that the same figure reads the same everywhere. A missing or
non-finite value is always written ``–``.

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
from typing import TYPE_CHECKING

from tpo_scoping.reference import load_reference

if TYPE_CHECKING:
    from tpo_scoping.needs.impact import ImpactEstimate

MISSING = "–"
"""How every formatter writes a missing or non-finite value."""

OPTION_LABELS = {
    "tpo": "TPO (managed training)",
    "catalog_licensing": "Catalog licensing",
    "custom_course_development": "Custom course development",
    "internal_ld": "Internal L&D team",
    "lms_only": "LMS platform only",
    "adhoc_vendor": "Ad-hoc training vendor",
    "current_practice": "Current practice (manager walkthroughs)",
}
"""The engagement options and today's informal practice, by key."""

TRAINING_LABELS = {
    "manager_walkthroughs": "manager walkthroughs",
    "lms_only": "an LMS without a training owner",
    "internal_ld": "an internal L&D team",
    "adhoc_vendor": "ad-hoc training vendors",
    "catalog_licensing": "a licensed course catalog",
}
"""How training is done today (the profile's ``current_training``), inside a sentence."""

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


def domain_short(key: str) -> str:
    """A regulated domain as a headline names it (``healthcare`` -> ``HIPAA``).

    >>> domain_short("payments"), domain_short("not_in_the_catalogue")
    ('PCI DSS', 'not in the catalogue')
    """
    domain = load_reference("compliance_catalogue")["domains"].get(key) or {}
    return str(domain.get("short", words(key)))


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
    return MISSING if not _finite(value) else _kpi_number(value, unit, share="%", score=" / 5")  # type: ignore[arg-type]


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


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(float(value))


def money(value: float | None, *, short: bool = False) -> str:
    """An amount in US dollars: ``$12,346``, ``-$1,200``; ``short`` gives ``$1.53M``, ``$482k``.

    >>> money(12345.6), money(-1200), money(None), money(1_530_000, short=True)
    ('$12,346', '-$1,200', '–', '$1.53M')
    >>> money(482_400, short=True), money(950, short=True), money(-0.4)
    ('$482k', '$950', '$0')
    """
    if not _finite(value):
        return MISSING
    amount = float(value)  # type: ignore[arg-type]
    if not short:
        amount = float(round(amount))
    sign = "-" if amount < 0 else ""
    size = abs(amount)
    if short and size >= 999_500:
        return f"{sign}${size / 1e6:.3g}M"
    if short and size >= 10_000:
        return f"{sign}${size / 1e3:.0f}k"
    return f"{sign}${size:,.0f}"


def money_in(value: float | None, currency: str) -> str:
    """An amount in a contract's own currency, whole units: ``USD 1,207``.

    >>> money_in(1207.2291, "USD"), money_in(None, "EUR")
    ('USD 1,207', '–')
    """
    if not _finite(value):
        return MISSING
    return f"{currency} {float(value):,.0f}"  # type: ignore[arg-type]


def pct(value: float | None, digits: int = 0) -> str:
    """A share as a percentage: ``42 %`` from 0.42.

    >>> pct(0.4249), pct(0.4249, 1), pct(float("nan"))
    ('42 %', '42.5 %', '–')
    """
    if not _finite(value):
        return MISSING
    return f"{100 * float(value):.{digits}f} %"  # type: ignore[arg-type]


def number(value: float | None, digits: int = 0) -> str:
    """A plain number with thousands separators: ``1,234``.

    >>> number(1234.4), number(2.25, 1), number(None)
    ('1,234', '2.2', '–')
    """
    if not _finite(value):
        return MISSING
    return f"{float(value):,.{digits}f}"  # type: ignore[arg-type]


def fte(value: float | None) -> str:
    """A team size: ``49 FTE``.

    >>> fte(48.6), fte(None)
    ('49 FTE', '–')
    """
    return MISSING if not _finite(value) else f"{number(value)} FTE"


def hours(value: float | None) -> str:
    """Hours of people's time, rounded to the nearest hundred above 1,000: ``4,300 hours``.

    >>> hours(4314.2), hours(86.4)
    ('4,300 hours', '86 hours')
    """
    if not _finite(value):
        return MISSING
    amount = float(value)  # type: ignore[arg-type]
    return f"{number(round(amount, -2) if amount >= 1000 else amount)} hours"


def option_label(key: str) -> str:
    """An engagement option by its name (``catalog_licensing`` -> ``Catalog licensing``)."""
    return OPTION_LABELS.get(key, words(key))


def in_sentence(label: str) -> str:
    """A label as it reads inside a sentence; acronyms keep their capitals.

    >>> in_sentence("Catalog licensing"), in_sentence("LMS platform only")
    ('catalog licensing', 'LMS platform only')
    """
    if len(label) > 1 and label[0].isupper() and label[1].islower():
        return label[0].lower() + label[1:]
    return label


def training_label(key: str) -> str:
    """Today's training practice inside a sentence (``lms_only`` -> ``an LMS without ...``)."""
    return TRAINING_LABELS.get(key, words(key))


def value_with_unit(value: float | None, unit: str) -> str:
    """An assumption's value in its unit: shares as percentages, dollars with a sign.

    >>> value_with_unit(0.824, "share"), value_with_unit(19.5, "weeks")
    ('82 %', '19.5 weeks')
    >>> value_with_unit(75, "USD/hour"), value_with_unit(20000, "USD")
    ('$75/hour', '$20,000')
    """
    if not _finite(value):
        return MISSING
    amount = float(value)  # type: ignore[arg-type]
    if unit in ("share", "proportion") or unit.startswith("share of"):
        return pct(amount)
    if unit.startswith("USD"):
        cents = abs(amount) < 100 and amount != int(amount)
        text = f"${amount:,.2f}" if cents else f"${amount:,.0f}"
        return f"{text}{unit[3:]}"
    text = f"{amount:,.2f}".rstrip("0").rstrip(".")
    return f"{text} {unit}".strip()


# --------------------------------------------------------------------------------------------
# Training impact: one sentence per course and metric, the same in the notebooks, apps, CLI
# and brief.


def impact_sentence(estimate: ImpactEstimate) -> str:
    """An impact estimate with its method and assumption in one sentence, or why there is none.

    >>> from tpo_scoping.needs.impact import ImpactEstimate, PreTrend, RawChange
    >>> raw = RawChange(50.0, 56.2, 6.2, 4.9, 7.5, 40)
    >>> found = ImpactEstimate("refresher", "productivity", 1, 6.5, 4.6, 8.4, 0.001,
    ...     "matched difference-in-differences", 40, 133, None,
    ...     PreTrend(0.2, -0.6, 1.0, 0.6, 40, 120), (), raw, 0.1, 3, 0.95)
    >>> print(impact_sentence(found))  # doctest: +NORMALIZE_WHITESPACE
    +6.5 (95 % CI +4.6 to +8.4) against 133 colleagues of the same role and tenure who had not
    taken it, over the same months; assumes the groups would otherwise have moved alike.
    >>> from dataclasses import replace
    >>> impact_sentence(replace(found, effect=None, no_estimate_reason="no colleagues"))
    'No estimate: no colleagues.'
    """
    if estimate.effect is None:
        return f"No estimate: {estimate.no_estimate_reason}."
    text = (
        f"{estimate.effect:+.3g} ({_level(estimate.confidence)} CI {estimate.effect_ci_low:+.3g}"
        f" to {estimate.effect_ci_high:+.3g}) against {estimate.n_control} colleagues of the"
        " same role and tenure who had not taken it, over the same months; assumes the groups"
        " would otherwise have moved alike."
    )
    trend = estimate.pre_trend
    if trend is not None and not trend.passed:
        text += (
            f" Caution: the groups already moved apart before the course ({trend.effect:+.3g},"
            f" {_level(estimate.confidence)} CI {trend.ci_low:+.3g} to {trend.ci_high:+.3g})."
        )
    return text


def impact_checks(estimate: ImpactEstimate) -> str:
    """The checks behind an impact estimate in words: pre-trend and placebos ('' without one).

    >>> from tpo_scoping.needs.impact import ImpactEstimate, Placebo, PreTrend, RawChange
    >>> found = ImpactEstimate("refresher", "productivity", 1, 6.5, 4.6, 8.4, 0.001,
    ...     "matched difference-in-differences", 40, 133, None,
    ...     PreTrend(0.2, -0.6, 1.0, 0.6, 40, 120),
    ...     (Placebo("random_colleagues", 20, 1), Placebo("earlier_dates", 6, 0)),
    ...     RawChange(50.0, 56.2, 6.2, 4.9, 7.5, 40), 0.1, 3, 0.95)
    >>> print(impact_checks(found))  # doctest: +NORMALIZE_WHITESPACE
    Before the course: +0.2 (95 % CI -0.6 to +1), no difference. Placebos, which should find an
    effect about 5 % of the time: 1 of 20 runs with the course given to random colleagues (5 %);
    0 of 6 runs with it moved to earlier dates (0 %).
    """
    if estimate.effect is None:
        return ""
    parts = []
    trend = estimate.pre_trend
    if trend is None:
        parts.append("Before the course: not enough earlier data to check.")
    else:
        parts.append(
            f"Before the course: {trend.effect:+.3g} ({_level(estimate.confidence)} CI"
            f" {trend.ci_low:+.3g} to {trend.ci_high:+.3g}),"
            + (" no difference." if trend.passed else " already different.")
        )
    runs = []
    for kind, how in (
        ("random_colleagues", "with the course given to random colleagues"),
        ("earlier_dates", "with it moved to earlier dates"),
    ):
        placebo = estimate.placebo(kind)
        if placebo is not None and placebo.share_excluding_zero is not None:
            share = f"{placebo.share_excluding_zero * 100:.0f} %"
            runs.append(f"{placebo.excluding_zero} of {placebo.runs} runs {how} ({share})")
    if runs:
        parts.append(
            f"Placebos, which should find an effect about 5 % of the time: {'; '.join(runs)}."
        )
    return " ".join(parts)


def _level(confidence: float) -> str:
    """'95 %' for 0.95."""
    return f"{confidence * 100:.0f} %"
