"""The break-even economics as people read them: tables, key figures and sentences.

Every function takes a :class:`~tpo_scoping.economics.BreakEvenResult` (or its parts) and
returns formatted text; nothing here computes a figure the result does not hold. Claims say
which basis they use: cash (invoiced or paid), imputed (people's time and output, valued), or
the total of both.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from tpo_scoping.labels import (
    MISSING,
    fte,
    hours,
    in_sentence,
    money,
    number,
    option_label,
    pct,
    value_with_unit,
)
from tpo_scoping.presentation.table import KeyFigure, Table

if TYPE_CHECKING:
    from tpo_scoping.assumptions import Assumption
    from tpo_scoping.economics import BreakEvenResult, Threshold
    from tpo_scoping.economics.result import OptionCost

IMPUTED_MEANING = (
    "people's time and output valued in dollars: managers' time, output lost while new hires"
    " ramp up, re-onboarding after departures, expected compliance exposure"
)


def option_name(o: OptionCost) -> str:
    """An option's name in tables and charts; today's practice says so.

    >>> from tpo_scoping.economics.result import OptionCost
    >>> o = OptionCost("lms_only", "LMS platform only", 1.0, 2.0, (), 0.0, 0.0, 0.0, True,
    ...                0.0, 0.0, 0.0, None, None)
    >>> option_name(o)
    'LMS platform only (today)'
    """
    if not o.is_current_practice or o.label.lower().startswith("current practice"):
        return o.label
    return f"{o.label} (today)"


def option_table(be: BreakEvenResult) -> Table:
    """Every option over the horizon, cheapest first: cash, imputed, total, payback.

    >>> from tpo_scoping.economics import break_even
    >>> from tpo_scoping.profile import parse_profile
    >>> be = break_even(parse_profile("prospect: X\\nsites: [{country: PH, fte: 50}]"),
    ...                 simulations=0, sensitivity=False)
    >>> option_table(be).columns[:4]
    ('Option', 'Cash', 'Imputed', 'Total')
    """
    today = be.current_practice_costs
    options = sorted(
        [*be.options.values(), *(() if today.key in be.options else (today,))],
        key=lambda o: o.total_cost,
    )
    rows = tuple(
        (
            option_name(o),
            money(o.cash_cost),
            money(o.imputed_cost),
            money(o.total_cost),
            money(o.monthly_cost_per_fte),
            MISSING if o.is_current_practice else money(o.saving_vs_current_practice),
            "today" if o.is_current_practice else _month(o.payback_month),
        )
        for o in options
    )
    notes: tuple[str, ...] = ()
    return Table(
        (
            "Option",
            "Cash",
            "Imputed",
            "Total",
            "Per FTE per month",
            "Saving vs today",
            "Payback month",
        ),
        rows,
        caption=(
            f"Cost over {be.horizon_months} months, undiscounted. Cash is what is invoiced or"
            f" paid; imputed is {IMPUTED_MEANING}, counted at {pct(be.imputed_share)}."
        ),
        highlight=tuple(i for i, o in enumerate(options) if o.key == "tpo"),
        notes=notes,
    )


def cost_lines_table(be: BreakEvenResult, option: str) -> Table:
    """One option's itemised cost lines, cash first."""
    o = be.options.get(option, be.current_practice_costs)
    lines = sorted(o.lines, key=lambda ln: (ln.basis != "cash", -ln.total))
    return Table(
        ("Cost line", "Basis", "Over the horizon"),
        tuple((ln.label, ln.basis, money(ln.total)) for ln in lines),
        caption=f"{o.label}: {money(o.cash_cost)} cash + {money(o.imputed_cost)} imputed",
        left=(0, 1),
    )


def conservative_table(be: BreakEvenResult) -> Table:
    """Break-even and cheapest option with imputed costs counted at 0 %, 50 % and 100 %."""
    rows = []
    for v in be.conservative:
        rows.append(
            (
                pct(v.imputed_share),
                fte(v.break_even_fte) if v.break_even_fte is not None else _short_reason(v),
                option_label(v.cheapest_option),
                money(v.tpo_total),
                f"{option_label(v.best_alternative)}: {money(v.best_alternative_total)}",
            )
        )
    return Table(
        (
            "Imputed cost counted",
            "Break-even vs catalog",
            "Cheapest option",
            "TPO total",
            "Best alternative",
        ),
        tuple(rows),
        caption="The conservative view: how the answer moves when imputed time counts less.",
        left=(0, 1, 2, 4),
    )


def _short_reason(v: object) -> str:
    reason = str(getattr(v, "break_even_reason", "") or "")
    if "at every starting team size" in reason:
        return "none: TPO cheaper at any size"
    if "stays cheaper" in reason:
        return "none: catalog cheaper at every size"
    return MISSING


def _month(month: int | None) -> str:
    return MISSING if month is None else str(month)


def tpo_cost_sentence(be: BreakEvenResult) -> str:
    """TPO against the best alternative, saying which basis carries the case."""
    c = be.tpo_against()
    alt = in_sentence(option_label(c.other))
    h = be.horizon_months
    if c.rests_on_imputed_time:
        return (
            f"TPO costs {money(c.cash_difference)} more in cash than {alt} over {h} months; it"
            f" frees about {hours(c.manager_hours_freed)} of onshore managers' time and cuts"
            f" output lost to ramp-up, which we value at {money(-c.imputed_difference)}"
            " (imputed, not cash)."
        )
    tpo, other = be.options["tpo"], be.options[c.other]
    cash = f"{money(tpo.cash_cost)} in cash against {money(other.cash_cost)}"
    if c.total_difference <= 0:
        return (
            f"TPO costs {money(-c.total_difference)} less than {alt}, the cheapest alternative,"
            f" over {h} months; {cash}."
        )
    return (
        f"TPO costs {money(c.total_difference)} more than {alt} over {h} months:"
        f" {_more_or_less(c.cash_difference)} in cash and {_more_or_less(c.imputed_difference)}"
        " in imputed cost."
    )


def _more_or_less(difference: float) -> str:
    return f"{money(abs(difference))} {'more' if difference >= 0 else 'less'}"


def _less_or_more(saving: float) -> str:
    """A saving as "$1.2M less" (or, when negative, "$1.2M more"), amount short."""
    return f"{money(abs(saving), short=True)} {'less' if saving >= 0 else 'more'}"


def break_even_sentence(be: BreakEvenResult) -> str:
    """The break-even a reader may quote: modelled, or the simulation's median with its range."""
    quoted = be.quoted_break_even()
    if quoted is None:
        return f"Break-even: {be.break_even_reason or 'none within the range searched'}."
    if quoted.source == "model":
        text = (
            f"Break-even: TPO and catalog licensing cost the same for a team starting at about"
            f" {fte(quoted.fte)} with this hiring and attrition (total cost, imputed counted at"
            f" {pct(be.imputed_share)})"
        )
        mc = be.monte_carlo
        if mc is not None and mc.probability_tpo_cheaper_at_break_even is not None:
            text += (
                f"; at that size TPO is cheaper in {pct(mc.probability_tpo_cheaper_at_break_even)}"
                " of simulated futures"
            )
        return text + "."
    return (
        f"Break-even: in the middle of the simulated futures a team of about {fte(quoted.fte)};"
        f" 90 % of them put it between {_fte_or_beyond(quoted.low)} and"
        f" {_fte_or_beyond(quoted.high)} (the modelled figure,"
        f" {fte(be.break_even_fte) if be.break_even_fte else 'none'}, sits outside the middle of"
        " the simulation, so the simulation's figure is quoted)."
    )


def _fte_or_beyond(value: float | None) -> str:
    return fte(value) if value is not None else "beyond the range searched"


def cash_break_even_sentence(be: BreakEvenResult) -> str:
    """The break-even on cash alone, or why there is none."""
    if be.break_even_fte_cash is not None:
        return (
            f"On cash alone (imputed time counted at 0 %), the break-even is about"
            f" {fte(be.break_even_fte_cash)}."
        )
    return f"{be.break_even_cash_reason or 'No cash break-even within the range searched'}."


def economics_sentences(be: BreakEvenResult) -> list[str]:
    """The economics in a few plain sentences, each saying which basis it uses."""
    cheapest = be.options[be.cheapest_option]
    lines = [
        f"Over {be.horizon_months} months, with the team going from {fte(be.team_fte_now)} to"
        f" about {fte(be.team_fte_end)} on the hiring and attrition given, the cheapest option is"
        f" {in_sentence(cheapest.label)} at {money(cheapest.total_cost)} in total"
        f" ({money(cheapest.cash_cost)} cash). Totals are undiscounted.",
    ]
    lines.append(tpo_cost_sentence(be))
    lines.append(break_even_sentence(be))
    lines.append(cash_break_even_sentence(be))
    if be.crossing_month is not None:
        lines.append(
            f"On this plan TPO's cumulative cost, setup fee included, falls to catalog"
            f" licensing's by month {be.crossing_month} and stays there."
        )
    elif be.crossing_reason:
        lines.append(f"{be.crossing_reason}.")
    tpo = be.options["tpo"]
    if not tpo.is_current_practice:
        today = "today's practice (" + in_sentence(be.current_practice_costs.label) + ")"
        verb = "saves" if tpo.saving_vs_current_practice >= 0 else "costs"
        text = (
            f"Against {today}, TPO {verb} {money(abs(tpo.saving_vs_current_practice))} in total"
            f" and {'saves' if tpo.cash_saving_vs_current_practice >= 0 else 'costs'}"
            f" {money(abs(tpo.cash_saving_vs_current_practice))} in cash over the period"
        )
        if tpo.payback_month:
            text += f"; counting imputed time it pays back in month {tpo.payback_month}"
        if tpo.cash_payback_month:
            text += f"; in cash it pays back in month {tpo.cash_payback_month}"
        lines.append(text + ".")
    mc = be.monte_carlo
    if mc is not None:
        lines.append(
            f"Across {number(mc.n)} simulated futures that vary every assumption within its"
            f" range, TPO is cheaper than catalog licensing in {pct(mc.probability_tpo_cheaper)}"
            f" of them in total cost and in {pct(mc.probability_tpo_cheaper_cash)} in cash."
        )
    lines += list(be.notes)
    return lines


def key_figures(be: BreakEvenResult, total_fte: int, hires_per_quarter: float) -> list[KeyFigure]:
    """The four figures the brief and the apps show first."""
    quoted = be.quoted_break_even()
    c = be.tpo_against("catalog_licensing")
    return [
        KeyFigure(f"{total_fte}", "offshore FTE today"),
        KeyFigure(f"{hires_per_quarter:g}", "hires planned per quarter"),
        KeyFigure(
            fte(quoted.fte) if quoted else "none",
            "break-even team size vs catalog licensing"
            + (" (simulated median)" if quoted and quoted.source == "simulation" else ""),
        ),
        KeyFigure(
            money(c.cash_difference, short=True),
            f"TPO's extra cash cost vs catalog over {be.horizon_months} months"
            if c.cash_difference >= 0
            else f"TPO's cash saving vs catalog over {be.horizon_months} months",
        ),
        KeyFigure(
            pct(be.probability_tpo_cheaper) if be.probability_tpo_cheaper is not None else MISSING,
            "chance TPO is cheaper in total (simulated)",
        ),
    ]


def assumption_table(assumptions: Mapping[str, Assumption]) -> Table:
    """Every assumption of the economics with its value, the mean of its draws, range and source."""
    from tpo_scoping.economics.uncertainty import mean_of

    rows = []
    for a in sorted(assumptions.values(), key=lambda a: (a.group, a.description or a.name)):
        mean = mean_of(a)
        rows.append(
            (
                _group(a.group),
                a.description or a.name.replace("_", " "),
                value_with_unit(a.value, a.unit),
                value_with_unit(mean, a.unit) if abs(mean - a.value) > 1e-12 else "same",
                f"{value_with_unit(a.low, a.unit)} to {value_with_unit(a.high, a.unit)}",
                a.source,
                a.rationale,
            )
        )
    return Table(
        ("Group", "Assumption", "Value", "Mean of draws", "Plausible range", "Source", "Why"),
        tuple(rows),
        left=(0, 1, 5, 6),
    )


def assumption_sources_table(assumptions: Mapping[str, Assumption]) -> Table:
    """The assumptions as a visitor reads them: what, the value, its range and where it comes
    from (the columns of :func:`assumption_table` a document for a prospect shows)."""
    return assumption_table(assumptions).select("Assumption", "Value", "Plausible range", "Source")


def _group(key: str) -> str:
    """``tpo_pricing`` -> ``TPO pricing``: a data key as a heading."""
    text = key.replace("_", " ").replace("tpo", "TPO").replace("lms", "LMS")
    return text[:1].upper() + text[1:]


def sensitivity_sentences(be: BreakEvenResult, top: int = 3) -> list[str]:
    """The assumptions that move the answer most, in words."""
    lines = []
    for row in sorted(be.sensitivity, key=lambda r: r.rank)[:top]:
        span = (
            f"from {value_with_unit(row.low_value, row.unit)} to"
            f" {value_with_unit(row.high_value, row.unit)}"
        )
        if row.break_even_at_low is not None and row.break_even_at_high is not None:
            effect = (
                f"moves the break-even between {fte(row.break_even_at_low)} and"
                f" {fte(row.break_even_at_high)}"
            )
        else:
            effect = (
                f"moves TPO's saving against catalog licensing between"
                f" {money(row.saving_vs_catalog_at_low)} and {money(row.saving_vs_catalog_at_high)}"
            )
        name = (row.description or row.name).rstrip(".")
        lines.append(f"{name}: {span} {effect}.")
    return lines


def monte_carlo_sentences(be: BreakEvenResult) -> list[str]:
    """What the simulation says, in words."""
    mc = be.monte_carlo
    if mc is None:
        return []
    lines = [
        f"We drew {number(mc.n)} futures, each assumption drawn within its range around its stated"
        f" value, half above and half below it ({mc.distribution}; seed {mc.seed}).",
        f"TPO costs less than catalog licensing over the period in"
        f" {pct(mc.probability_tpo_cheaper)} of them in total cost, and in"
        f" {pct(mc.probability_tpo_cheaper_cash)} in cash alone.",
        f"TPO's total saving against catalog licensing: {_spread(mc.saving_percentiles)}. In"
        f" cash alone: {_spread(mc.cash_saving_percentiles)}.",
    ]
    p = mc.break_even_percentiles
    if mc.share_tpo_cheaper_from_1_fte < 0.5:
        lines.append(
            f"The break-even team size is {_fte_or_beyond(p['p50'])} in the middle future; 90 %"
            f" put it between {_fte_or_beyond(p['p5'])} and {_fte_or_beyond(p['p95'])}."
        )
    else:
        lines.append(
            f"In {pct(mc.share_tpo_cheaper_from_1_fte)} of the futures TPO is cheaper at any team"
            " size, so there is no break-even to reach."
        )
    best = max(mc.probability_cheapest, key=mc.probability_cheapest.__getitem__)
    lines.append(
        f"The option most often cheapest of all six: {option_label(best)}"
        f" ({pct(mc.probability_cheapest[best])} of futures)."
    )
    return lines


def _spread(p: Mapping[str, float]) -> str:
    return (
        f"{money(p['p50'])} in the middle future, 90 % of futures between {money(p['p5'])} and"
        f" {money(p['p95'])}"
    )


THRESHOLD_NAMES = {
    "tpo_fee_per_fte_tier1": "TPO fee per FTE per month",
    "tpo_retainer_base_monthly": "TPO fixed monthly retainer",
    "team_fte": "Team size",
    "mgmt_hours_per_fte_month_informal": "Management hours per FTE per month today",
    "hires_per_quarter": "Hires per quarter",
}


def threshold_table(thresholds: Iterable[Threshold]) -> Table:
    """'What would have to be true': each input today against its tipping point."""
    rows = []
    for t in thresholds:
        if t.break_even_value is None:
            meaning = t.reason or "no tipping point in the range searched"
        else:
            word = "below" if t.tpo_cheaper_when == "below" else "above"
            meaning = (
                f"TPO is cheaper while this stays {word}"
                f" {value_with_unit(t.break_even_value, t.unit)}"
            )
        rows.append(
            (
                THRESHOLD_NAMES.get(t.name, t.name.replace("_", " ")),
                value_with_unit(t.current_value, t.unit),
                value_with_unit(t.break_even_value, t.unit),
                meaning,
            )
        )
    return Table(("Input", "Today", "Tipping point", "What it means"), tuple(rows), left=(0, 3))


def _saving_range(p: Mapping[str, float]) -> str:
    """A 90 % range of a saving (negative: an extra cost) in words, largest amounts short.

    >>> _saving_range({"p5": 360_000, "p95": 1_900_000})
    '$360k to $1.9M saved'
    >>> _saving_range({"p5": -520_000, "p95": -360_000})
    '$360k to $520k extra'
    >>> _saving_range({"p5": -40_000, "p95": 90_000})
    'from $40k extra to $90k saved'
    """
    low, high = p["p5"], p["p95"]
    if low >= 0:
        return f"{money(low, short=True)} to {money(high, short=True)} saved"
    if high <= 0:
        return f"{money(-high, short=True)} to {money(-low, short=True)} extra"
    return f"from {money(-low, short=True)} extra to {money(high, short=True)} saved"


def today_figures(be: BreakEvenResult) -> list[KeyFigure]:
    """What TPO saves or costs against the team's training today: the figures read first.

    The headline figure is the total (imputed counted at the result's share) with its 90 %
    range from the simulation; the cash part and the payback sit beside it, so a saving that
    rests on imputed time never reads as cash.
    """
    tpo = be.options["tpo"]
    years = f"{be.horizon_months / 12:g} years"
    net, cash = tpo.saving_vs_current_practice, tpo.cash_saving_vs_current_practice
    basis = "cash and imputed" if be.imputed_share > 0 else "cash only"
    figures = [
        KeyFigure(
            money(abs(net), short=True),
            f"{'saved' if net >= 0 else 'extra cost'} over {years} against today, {basis}",
        )
    ]
    mc = be.monte_carlo
    if mc is not None:
        figures.append(
            KeyFigure(
                _saving_range(mc.saving_vs_today_percentiles),
                f"90 % of {number(mc.n)} simulated futures",
            )
        )
    figures.append(
        KeyFigure(
            money(abs(cash), short=True),
            f"{'less' if cash >= 0 else 'more'} in cash over {years}",
        )
    )
    if tpo.cash_payback_month is not None:
        payback = KeyFigure(f"month {tpo.cash_payback_month}", "pays back in cash")
    elif tpo.payback_month is not None:
        payback = KeyFigure(
            f"month {tpo.payback_month}", "pays back counting imputed time (never in cash)"
        )
    else:
        payback = KeyFigure("none", f"no payback within {years}")
    return [*figures, payback]


def today_sentences(be: BreakEvenResult) -> list[str]:
    """TPO against the team's training today in words, cash and imputed apart (amounts short:
    the table beside them holds the exact figures)."""
    from tpo_scoping.labels import training_label

    tpo, today = be.options["tpo"], be.current_practice_costs
    years = f"{be.horizon_months / 12:g} years"
    against = f"how you train today ({training_label(be.current_training)})"
    net, cash = tpo.saving_vs_current_practice, tpo.cash_saving_vs_current_practice
    imputed = net - cash
    if net >= 0:
        lead = f"Over {years}, managed training (TPO) would save your team about"
        lead += f" {money(net, short=True)} against {against}"
    else:
        lead = f"Over {years}, managed training (TPO) would cost your team about"
        lead += f" {money(-net, short=True)} more than {against}"
    mc = be.monte_carlo
    if mc is not None:
        lead += f"; in 90 % of simulated futures, {_saving_range(mc.saving_vs_today_percentiles)}"
    cash_words = f"{_less_or_more(cash)} in cash"
    if be.imputed_share > 0:
        split = (
            f"That is {cash_words}, and {_less_or_more(imputed)} in imputed cost"
            f" ({IMPUTED_MEANING}, counted at {pct(be.imputed_share)})."
        )
    else:
        split = f"That is {cash_words}; imputed costs are not counted (set to 0 %)."
    parts = [lead + ".", split]
    if cash < 0 <= net:
        parts.append(
            "The saving rests on managers' time and faster ramp-up, not on lower invoices;"
            " count imputed costs at 0 % to see the cash case alone."
        )
    parts.append(
        f"Today's practice costs about {money(today.total_cost, short=True)} over the period"
        f" ({money(today.cash_cost, short=True)} in cash); TPO about"
        f" {money(tpo.total_cost, short=True)} ({money(tpo.cash_cost, short=True)} in cash)."
    )
    return parts
