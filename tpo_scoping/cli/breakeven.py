"""``tpo-scoping breakeven PROFILE``: break-even of managed training (TPO) against the options."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tpo_scoping.economics import BreakEvenResult

from tpo_scoping.cli._common import (
    add_format,
    add_monte_carlo,
    add_out,
    emit,
    positive_int,
    progress,
    share_argument,
    warn,
)

HELP = "break-even of TPO against catalog licensing and the other options"
DESCRIPTION = (
    "Cost the six training options month by month at the prospect's projected headcount,"
    " solve the break-even team size, and add a sensitivity and a seeded Monte Carlo."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("profile", type=Path, help="profile YAML file")
    parser.add_argument(
        "--horizon-months",
        type=positive_int("--horizon-months", 1, 120),
        default=36,
        help="months to cost (default 36)",
    )
    add_monte_carlo(parser, default=2000)
    parser.add_argument(
        "--no-sensitivity", action="store_true", help="skip the one-at-a-time sensitivity"
    )
    parser.add_argument(
        "--imputed-share",
        type=share_argument("--imputed-share"),
        default=1.0,
        help=(
            "count imputed costs (managers' time, ramp-up output, re-onboarding, compliance"
            " exposure) at this share, 0-1 or 0-100 %% (default 1: in full; 0: cash only)"
        ),
    )
    add_format(parser)
    add_out(parser)


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
            imputed_share=args.imputed_share,
        )
    finally:
        finish()
    warn(result.notes)
    emit(result, args, render_table)
    return 0


def render_table(result: BreakEvenResult) -> str:
    """Readable text of a break-even result (the default ``--format table``)."""
    from tpo_scoping.presentation import economics as rows

    lines = [f"{result.prospect}", ""]
    lines += rows.economics_sentences(result)
    lines += [
        "",
        rows.option_table(result).to_text(),
        "",
        rows.conservative_table(result).to_text(),
    ]
    if result.sensitivity:
        lines += ["", "What moves the answer most:", *rows.sensitivity_sentences(result, top=5)]
    if result.monte_carlo is not None:
        lines += ["", "Simulation:", *rows.monte_carlo_sentences(result)]
    overridden = [k for k, a in result.assumptions.items() if a.source == "profile override"]
    lines += [
        "",
        f"{len(result.assumptions)} assumptions (tpo_scoping/data/assumptions.yaml)"
        + (f"; overridden: {', '.join(overridden)}" if overridden else "")
        + "; --format json lists each with unit, range and source.",
    ]
    return "\n".join(lines)
