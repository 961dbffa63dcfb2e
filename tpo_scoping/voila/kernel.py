"""``python -m tpo_scoping.voila.kernel -f CONNECTION_FILE``: the kernel the served apps run in.

It is ipykernel's own kernel, started without what an app page never uses, so that every
visitor's kernel is smaller and starts sooner:

* **no debugger**: ipykernel imports ``debugpy`` (and with it ``pydevd``) at start-up when it is
  installed, about 8 MB per kernel; a Voilà page cannot open a debugger, so it stays out;
* **no property-testing library**: pandera imports ``hypothesis`` when it is installed (the
  test extras install it) to offer data synthesis, about 5 MB that validation never uses;
* **no input history**: the kernelspec passes ``--HistoryManager.enabled=False``, so the kernel
  keeps no SQLite history of the cells Voilà runs;
* **log records and warnings go to the server log, never to the page**: ipykernel turns the
  kernel's stderr into messages for the visitor's page, and a library's log record with no
  handler of its own (ipykernel's "Exception opening comm" with its traceback and install
  paths, after a malformed ``comm_open`` from a hostile page) would reach the visitor that way.
  :func:`send_logs_to_server` gives the root logger a handler on the process's own stderr
  (the server's log) and routes Python warnings there too.

Voilà finds this kernel because the launcher puts ``share/`` first on ``JUPYTER_PATH``, where
``kernels/python3/kernel.json`` names this module. Kernels outside the served apps (JupyterLab,
the notebook tests) are the usual ipykernel.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

LEFT_OUT = ("debugpy", "hypothesis")
"""Optional packages an app kernel never imports (an import of them raises ImportError)."""


def server_stream() -> Any:
    """The kernel process's own stderr (the server's log), not ipykernel's capture of it.

    ipykernel replaces ``sys.stderr`` and, at the file-descriptor level, fd 2 with streams that
    feed the page; it keeps a copy of the original descriptor, which is where this writes.
    """
    fd = getattr(sys.stderr, "_original_stdstream_copy", None)
    if isinstance(fd, int):
        try:
            return os.fdopen(os.dup(fd), "w", buffering=1)
        except OSError:  # pragma: no cover - a kernel without the copy
            pass
    return sys.__stderr__


def send_logs_to_server() -> logging.Handler:
    """Give the root logger a handler on the server's log and route warnings to it.

    Records from any library (ipykernel's comm manager, ipywidgets, pandas' warnings) then
    stop at this handler instead of falling through to Python's last-resort handler, which
    writes to ``sys.stderr``: the visitor's page.
    """
    handler = logging.StreamHandler(server_stream())
    handler.setFormatter(
        logging.Formatter("[app kernel %(process)d] %(levelname)s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    logging.captureWarnings(True)
    return handler


def main() -> None:
    for name in LEFT_OUT:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]
    from ipykernel.kernelapp import IPKernelApp

    # launch_new_instance(), with the logging set up between initialising and starting: only
    # then has ipykernel swapped stderr for the page's stream and kept the original.
    app = IPKernelApp.instance()
    app.initialize()
    send_logs_to_server()
    app.start()


if __name__ == "__main__":
    main()
