"""``tpo-scoping sample``: (re)generate the synthetic sample prospects."""

from __future__ import annotations

import argparse
from pathlib import Path

from tpo_scoping.cli._common import positive_int, say

HELP = "generate the synthetic sample prospects"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out", type=Path, default=Path("sample_data"), help="folder (default sample_data)"
    )
    parser.add_argument("--seed", type=positive_int("--seed", 0, 2**32 - 1), default=None)


def run(args: argparse.Namespace) -> int:
    from tpo_scoping.synthetic import DEFAULT_SEED, write_samples

    for folder in write_samples(args.out, seed=DEFAULT_SEED if args.seed is None else args.seed):
        say(f"wrote {folder}")
    return 0
