"""``python -m tpo_scoping.voila.kernel -f CONNECTION_FILE``: the kernel the served apps run in.

It is ipykernel's own kernel, started without what an app page never uses, so that every
visitor's kernel is smaller and starts sooner:

* **no debugger**: ipykernel imports ``debugpy`` (and with it ``pydevd``) at start-up when it is
  installed, about 8 MB per kernel; a Voilà page cannot open a debugger, so it stays out;
* **no property-testing library**: pandera imports ``hypothesis`` when it is installed (the
  test extras install it) to offer data synthesis, about 5 MB that validation never uses;
* **no input history**: the kernelspec passes ``--HistoryManager.enabled=False``, so the kernel
  keeps no SQLite history of the cells Voilà runs.

Voilà finds this kernel because the launcher puts ``share/`` first on ``JUPYTER_PATH``, where
``kernels/python3/kernel.json`` names this module. Kernels outside the served apps (JupyterLab,
the notebook tests) are the usual ipykernel.
"""

from __future__ import annotations

import sys

LEFT_OUT = ("debugpy", "hypothesis")
"""Optional packages an app kernel never imports (an import of them raises ImportError)."""


def main() -> None:
    for name in LEFT_OUT:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]
    from ipykernel.kernelapp import launch_new_instance

    launch_new_instance()


if __name__ == "__main__":
    main()
