"""``tpo-scoping breakeven PROFILE``: break-even of managed training (TPO) against the options."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tpo_scoping.cli._common import add_format, add_out, emit, positive_int, progress


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "breakeven",
        help="break-even of TPO against catalog licensing and the other options",
        description=(
            "Cost the six training options month by month at the prospect's projected headcount,"
            " solve the break-even team size, and add a sensitivity and a seeded Monte Carlo."
        ),
    )
    parser.add_argument("profile", type=Path, help="profile YAML file")
    parser.add_argument(
        "--horizon-months",
        type=positive_int("--horizon-months", 1, 120),
        default=36,
        help="months to cost (default 36)",
    )
    parser.add_argument(
        "--simulations",
        type=positive_int("--simulations", 0, 1_000_000),
        default=2000,
        help="Monte Carlo scenarios; 0 skips the Monte Carlo (default 2000)",
    )
    parser.add_argument(
        "--seed", type=positive_int("--seed", 0, 2**32 - 1), default=0, help="Monte Carlo seed"
    )
    parser.add_argument(
        "--no-sensitivity", action="store_true", help="skip the one-at-a-time sensitivity"
    )
    add_format(parser)
    add_out(parser)
    parser.set_defaults(run=run)


def progress_callback(label: str) -> tuple[Callable[[int, int], None], Callable[[], None]]:
    """A ``progress(done, total)`` hook drawing :func:`~tpo_scoping.cli._common.progress`'s bar."""
    state: dict[str, Any] = {"bar": None, "shown": 0}

    def update(done: int, total: int) -> None:
        if state["bar"] is None:
            state["bar"] = iter(progress(range(total), total, label))
        while state["shown"] < done:
            next(state["bar"], None)
            state["shown"] += 1

    def finish() -> None:
        if state["bar"] is not None:
            for _ in state["bar"]:
                pass

    return update, finish


def run(args: argparse.Namespace) -> int:
    from tpo_scoping.economics import break_even
    from tpo_scoping.profile import load_profile

    profile = load_profile(args.profile)
    update, finish = progress_callback("break-even")
    try:
        result = break_even(
            profile,
            horizon_months=args.horizon_months,
            simulations=args.simulations,
            seed=args.seed,
            progress=update,
            sensitivity=not args.no_sensitivity,
        )
    finally:
        finish()
    emit(result.to_dict(), args, render_table)
    return 0


def _money(value: float | None) -> str:
    return "–" if value is None else f"${value:,.0f}"


def _fte(value: float | None) -> str:
    return "none" if value is None else f"{value:,.1f} FTE"


def render_table(r: dict[str, Any]) -> str:
    """Readable text of a break-even result (the default ``--format table``)."""
    lines = [
        f"{r['prospect']}: {r['team_fte_now']:,.0f} FTE today, {r['team_fte_end']:,.0f} after"
        f" {r['horizon_months']} months (today: {r['current_practice_costs']['label']})",
        "",
        f"Break-even TPO vs catalog licensing: {_fte(r['break_even_fte'])}"
        + (f" ({r['break_even_reason']})" if r["break_even_reason"] else ""),
        f"  steady team (no hires or attrition): {_fte(r['break_even_fte_steady_team'])}",
        "  TPO vs each option: "
        + ", ".join(f"{k} {_fte(v)}" for k, v in r["break_even_by_option"].items()),
        f"Month TPO's monthly cost first beats catalog: {r['crossing_month'] or 'never'}",
        f"Cheapest over the horizon: {r['cheapest_option']}",
    ]
    if r["probability_tpo_cheaper"] is not None:
        mc = r["monte_carlo"]
        pct = mc["break_even_fte_percentiles"]
        lines.append(
            f"P(TPO cheaper than catalog at this plan): {r['probability_tpo_cheaper']:.0%}"
            f" ({mc['n']:,} scenarios, seed {mc['seed']}); break-even p5/p50/p95:"
            f" {_fte(pct['p5'])} / {_fte(pct['p50'])} / {_fte(pct['p95'])}"
        )
    lines += [
        "",
        f"{'option':<28}{'total cost':>14}{'hidden':>14}{'per FTE-month':>15}"
        f"{'NPV vs today':>15}{'payback':>9}",
    ]
    for key, o in r["options"].items():
        payback = "today" if o["is_current_practice"] else (o["payback_month"] or "–")
        lines.append(
            f"{key:<28}{_money(o['total_cost']):>14}{_money(o['hidden_cost']):>14}"
            f"{_money(o['monthly_cost_per_fte']):>15}{_money(o['npv']):>15}{payback!s:>9}"
        )
    if r["sensitivity"]:
        if r["break_even_fte"] is not None:
            lines += ["", "Most influential assumptions (break-even at low / high end of range):"]
            for row in r["sensitivity"][:8]:
                lines.append(
                    f"  {row['name']:<44} {_fte(row['break_even_at_low']):>12} /"
                    f" {_fte(row['break_even_at_high']):>12}"
                )
        else:
            lines += [
                "",
                "Most influential assumptions (TPO saving vs catalog at low / high end of range):",
            ]
            for row in r["sensitivity"][:8]:
                lines.append(
                    f"  {row['name']:<44} {_money(row['saving_vs_catalog_at_low']):>12} /"
                    f" {_money(row['saving_vs_catalog_at_high']):>12}"
                )
    overridden = [k for k, a in r["assumptions"].items() if a["source"] == "profile override"]
    lines += [
        "",
        f"{len(r['assumptions'])} assumptions (tpo_scoping/data/assumptions.yaml)"
        + (f"; overridden: {', '.join(overridden)}" if overridden else "")
        + "; --format json lists each with unit, range and source.",
    ]
    return "\n".join(lines)
