"""The ``tpo-scoping`` command line.

Conventions shared by every command:

* ``--format json`` writes machine-readable JSON to stdout; human text is the default.
* Errors and progress go to stderr.
* Exit codes: 0 ok, 2 bad input (one line per problem), 1 internal failure (a short message;
  the traceback only with ``--debug``).

Each command lives in its own module here, named after it (``run_notebooks`` for
``run-notebooks``), and exposes ``HELP`` (and optionally ``DESCRIPTION``),
``add_arguments(parser)`` and ``run(args) -> int``; :data:`COMMANDS` lists them in the order
``--help`` shows them.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import logging
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from typing import Any

from tpo_scoping.errors import EXIT_BAD_INPUT, EXIT_INTERNAL, InputError

COMMANDS = (
    "validate",
    "schema",
    "breakeven",
    "inspect",
    "needs",
    "kpis",
    "scope",
    "sign",
    "track",
    "portfolio",
    "run_notebooks",
    "serve",
    "sample",
)

log = logging.getLogger("tpo_scoping")


class _Parser(argparse.ArgumentParser):
    """An argparse parser whose usage errors exit 2 with one clear line (argparse's own habit)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        from tpo_scoping.cli._common import terminal_safe

        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, terminal_safe(f"{self.prog}: error: {message}") + "\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="tpo-scoping",
        description="Training needs analysis and engagement scoping for offshore teams.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal failures")
    from tpo_scoping import __version__

    parser.add_argument("--version", action="version", version=f"tpo-scoping {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for name in COMMANDS:
        command = importlib.import_module(f"tpo_scoping.cli.{name}")
        command_parser = sub.add_parser(
            name.replace("_", "-"),
            help=command.HELP,
            description=getattr(command, "DESCRIPTION", None),
        )
        command.add_arguments(command_parser)
        command_parser.set_defaults(run=command.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code (and ``sys.exit`` s with it when run as a script)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING, format="%(message)s")
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        with _exit_cleanly_on_termination():
            return int(args.run(args) or 0)
    except InputError as exc:
        from tpo_scoping.cli._common import say

        for line in exc.lines():
            say(f"error: {line}")
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        if debug:
            raise
        from tpo_scoping.cli._common import terminal_safe

        print(
            terminal_safe(f"internal error: {type(exc).__name__}: {exc}") + "\n"
            "This is a bug in tpo-scoping, not in your input. Re-run with --debug for details.",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


TERMINATION_SIGNALS = ("SIGTERM", "SIGHUP")
"""Signals that end a command the way Ctrl-C does: cleanup (temporary files) runs first."""


@contextlib.contextmanager
def _exit_cleanly_on_termination() -> Iterator[None]:
    """While a command runs, turn SIGTERM and SIGHUP into ``SystemExit(128 + signal)``.

    Python's default for them ends the process at once, skipping ``finally`` blocks, so an
    export stopped by ``kill`` or a closed terminal would leave its temporary file behind. The
    previous handlers come back when the command returns.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, _frame: Any) -> None:
        raise SystemExit(128 + signum)

    previous = {}
    for name in TERMINATION_SIGNALS:
        number = getattr(signal, name, None)
        if number is not None:
            previous[number] = signal.signal(number, stop)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def entry() -> None:  # pragma: no cover - thin console-script wrapper
    sys.exit(main())
