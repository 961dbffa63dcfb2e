"""``tpo-scoping serve``: serve the Voilà apps (what ``make run`` does)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from tpo_scoping.cli._common import positive_int

REPO_ROOT = Path(__file__).resolve().parents[2]


def add_parser(sub: Any) -> None:
    parser = sub.add_parser("serve", help="serve the Voilà apps on localhost")
    parser.add_argument("--port", type=positive_int("--port", 1, 65535), default=8866)
    parser.add_argument(
        "--apps", type=Path, default=REPO_ROOT / "apps", help="folder of app notebooks"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from tpo_scoping.errors import InputError

    if not args.apps.is_dir():
        raise InputError(f"--apps: {args.apps} is not a folder of app notebooks")
    command = [
        sys.executable,
        "-m",
        "voila",
        str(args.apps),
        f"--port={args.port}",
        "--no-browser",
        "--Voila.ip=127.0.0.1",
        "--strip_sources=True",
        "--show_tracebacks=False",
    ]
    print(f"serving the workbench on http://localhost:{args.port}", file=sys.stderr)
    os.execv(sys.executable, command)
    return 0  # pragma: no cover - execv does not return
