"""``tpo-scoping serve``: serve the Voilà apps (what ``make run`` does).

The serving settings live in ``tpo_scoping/voila/voila.json``; this command chooses the mode,
the port, the token, the size of the kernel pool, the server's capacity (a cap on kernels, a
rate of new pages per client address), the host names it answers to and whether it sits behind
a reverse proxy.
"""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import os
from pathlib import Path

from tpo_scoping.cli._common import positive_int, say
from tpo_scoping.voila.server import (
    PUBLIC_KERNELS_PER_CORE,
    PUBLIC_NICENESS,
    PUBLIC_PAGES_PER_ADDRESS_PER_MINUTE,
    WORKBENCH_KERNELS_PER_CORE,
)

REPO_ROOT = Path(__file__).resolve().parents[2]


HELP = "serve the Voilà apps (localhost only unless --ip says otherwise)"
DESCRIPTION = (
    "Serve the apps with standalone Voilà. Workbench mode lists every app on a landing "
    "page; --public serves the public break-even calculator alone."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=positive_int("--port", 1, 65535), default=8866)
    parser.add_argument(
        "--public",
        action="store_true",
        help="serve only the public break-even calculator; nothing else is reachable",
    )
    parser.add_argument(
        "--token",
        help="require this token (?token=...) to open a page; default: no token on localhost;"
        " an empty token is refused (it would switch authentication off)",
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
        "--max-kernels",
        type=positive_int("--max-kernels", 0, 100_000),
        default=None,
        help="most kernels (visitors' pages and the pool) this server runs at once; past it a"
        " 'busy, retry in a minute' page (503); 0: no cap (default: "
        f"{PUBLIC_KERNELS_PER_CORE} per core public, {WORKBENCH_KERNELS_PER_CORE} per core"
        " workbench)",
    )
    parser.add_argument(
        "--pages-per-minute",
        type=positive_int("--pages-per-minute", 0, 100_000),
        default=None,
        help="most new pages (kernels) per client address a minute; past it 429; 0: no limit"
        f" (default: {PUBLIC_PAGES_PER_ADDRESS_PER_MINUTE} public, no limit workbench)",
    )
    parser.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="NAME",
        help="a host name visitors reach the server by (repeatable); loopback names and the"
        " --ip address are always allowed; '*' allows any (when a proxy in front checks it)",
    )
    parser.add_argument(
        "--behind-proxy",
        action="store_true",
        help="take the client address from the reverse proxy's X-Real-IP / X-Forwarded-For"
        " (only when every request comes through that proxy)",
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
    if args.token is not None and not args.token.strip():
        raise InputError(
            "--token: an empty token switches authentication off; give a token, or leave"
            " --token out (the workbench on localhost needs none)"
        )
    if not address.is_loopback and not args.public and args.token is None:
        raise InputError(
            f"--ip: the workbench on {args.ip} would be open to the network without a token; "
            "add --token or use --public"
        )
    if address.is_unspecified and not args.allowed_host:
        raise InputError(
            f"--ip: {args.ip} listens on every address; name the host names visitors use"
            " with --allowed-host (or --allowed-host '*' when a proxy in front checks them)"
        )
    argv = voila_argv(
        args.apps,
        port=args.port,
        public=args.public,
        token=args.token,
        ip=args.ip,
        pool_size=args.pool_size,
        max_kernels=args.max_kernels,
        pages_per_address_per_minute=args.pages_per_minute,
        trust_proxy_headers=args.behind_proxy,
        allowed_hosts=args.allowed_host,
    )
    _choose_workspace(args)
    mode = "the public break-even calculator" if args.public else "the workbench"
    host = "localhost" if address.is_loopback else args.ip
    say(f"serving {mode} on http://{host}:{args.port}/")
    if args.public:
        yield_cpu_to_the_workbench()
    serve(argv)
    return 0


def yield_cpu_to_the_workbench() -> None:
    """Lower this server's CPU priority by :data:`PUBLIC_NICENESS` (its kernels inherit it).

    On a machine that also serves the workbench, a burst of anonymous visitors then takes only
    the CPU the sales engineers' kernels leave; alone on a machine it changes nothing.
    """
    with contextlib.suppress(OSError, AttributeError):
        os.nice(PUBLIC_NICENESS)


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
