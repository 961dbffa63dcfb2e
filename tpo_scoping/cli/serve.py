"""``tpo-scoping serve``: serve the Voilà apps (what ``make run`` does).

The serving settings live in ``tpo_scoping/voila/voila.json``; this command only chooses the
mode, the port, the token and the size of the kernel pool.
"""

from __future__ import annotations

import argparse
import ipaddress
import sys
from pathlib import Path
from typing import Any

from tpo_scoping.cli._common import positive_int

REPO_ROOT = Path(__file__).resolve().parents[2]


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "serve",
        help="serve the Voilà apps (localhost only unless --ip says otherwise)",
        description=(
            "Serve the apps with standalone Voilà. Workbench mode lists every app on a landing "
            "page; --public serves the public break-even calculator alone."
        ),
    )
    parser.add_argument("--port", type=positive_int("--port", 1, 65535), default=8866)
    parser.add_argument(
        "--public",
        action="store_true",
        help="serve only the public break-even calculator; nothing else is reachable",
    )
    parser.add_argument(
        "--token",
        help="require this token (?token=...) to open a page; default: no token on localhost",
    )
    parser.add_argument(
        "--ip",
        default="127.0.0.1",
        help="address to bind (default 127.0.0.1, this machine only)",
    )
    parser.add_argument(
        "--pool-size",
        type=positive_int("--pool-size", 0, 16),
        default=None,
        help="preheated kernels per app (0 turns the pool off; default from voila.json)",
    )
    parser.add_argument(
        "--apps", type=Path, default=REPO_ROOT / "apps", help="folder of app notebooks"
    )
    parser.add_argument(
        "--workspace",
        type=Path,
        default=None,
        help="folder of saved prospects (default: tpo-scoping/workspace under the user's data "
        "folder); never used in --public mode",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from tpo_scoping.errors import InputError
    from tpo_scoping.voila.server import PUBLIC_NOTEBOOK, serve, voila_argv

    if not args.apps.is_dir():
        raise InputError(f"--apps: {args.apps} is not a folder of app notebooks")
    if args.public and not (args.apps / PUBLIC_NOTEBOOK).is_file():
        raise InputError(f"--apps: {args.apps} has no {PUBLIC_NOTEBOOK} to serve publicly")
    try:
        address = ipaddress.ip_address(args.ip)
    except ValueError:
        raise InputError(f"--ip: '{args.ip}' is not an IP address") from None
    if not address.is_loopback and not args.public and args.token is None:
        raise InputError(
            f"--ip: the workbench on {args.ip} would be open to the network without a token; "
            "add --token or use --public"
        )
    argv = voila_argv(
        args.apps,
        port=args.port,
        public=args.public,
        token=args.token,
        ip=args.ip,
        pool_size=args.pool_size,
    )
    _choose_workspace(args)
    mode = "the public break-even calculator" if args.public else "the workbench"
    host = "localhost" if address.is_loopback else args.ip
    print(f"serving {mode} on http://{host}:{args.port}/", file=sys.stderr, flush=True)
    serve(argv)
    return 0


def _choose_workspace(args: argparse.Namespace) -> None:
    """Tell the app kernels (through the environment they inherit) where saved prospects live.

    Public mode never has a workspace: the variable is removed even if the caller set it.
    """
    import os

    from tpo_scoping.errors import InputError
    from tpo_scoping.workspace import WORKSPACE_ENV, default_workspace_dir

    if args.public:
        if args.workspace is not None:
            raise InputError("--workspace: the public calculator never opens saved prospects")
        os.environ.pop(WORKSPACE_ENV, None)
        return
    folder = (args.workspace or default_workspace_dir()).expanduser().resolve()
    if folder.exists() and not folder.is_dir():
        raise InputError(f"--workspace: {folder} is not a folder")
    os.environ[WORKSPACE_ENV] = str(folder)
