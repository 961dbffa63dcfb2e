"""``python -m tpo_scoping.voila.kernel -f CONNECTION_FILE``: the kernel the served apps run in.

It is ipykernel's own kernel, started without what an app page never uses, so that every
visitor's kernel is smaller and starts sooner:

* **no debugger**: ipykernel imports ``debugpy`` (and with it ``pydevd``) at start-up when it is
  installed, about 8 MB per kernel; a Voilà page cannot open a debugger, so it stays out;
* **no property-testing library**: pandera imports ``hypothesis`` when it is installed (the
  test extras install it) to offer data synthesis, about 5 MB that validation never uses;
* **numpy's test and Fortran-wrapping tools load only when used**: scipy builds its
  array-API namespace by reading every public attribute of ``numpy``, which imports
  ``numpy.testing`` (and with it ``unittest``) and ``numpy.f2py``, about 10 MB and 180
  modules that no app calls. Here they are imported with :class:`importlib.util.LazyLoader`,
  so the import hands out the module and its code runs at the first use of one of its
  attributes, if any;
* **no input history**: the kernelspec passes ``--HistoryManager.enabled=False``, so the kernel
  keeps no SQLite history of the cells Voilà runs.

(The apps themselves keep jsonschema's unused format checkers out of every kernel they run in:
see :data:`tpo_scoping.ui.UNUSED_FORMAT_CHECKERS`.)

Voilà finds this kernel because the launcher puts ``share/`` first on ``JUPYTER_PATH``, where
``kernels/python3/kernel.json`` names this module. Kernels outside the served apps (JupyterLab,
the notebook tests) are the usual ipykernel.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import sys
from collections.abc import Sequence
from types import ModuleType

LEFT_OUT = ("debugpy", "hypothesis")
"""Optional packages an app kernel never imports (an import of them raises ImportError)."""

LOADED_ON_USE = ("numpy.testing", "numpy.f2py")
"""Modules an app kernel imports lazily: their code runs at the first attribute read."""


class LazyFinder(importlib.abc.MetaPathFinder):
    """Finds ``names`` as the other finders do, then defers running them until first use."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = frozenset(names)

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in self.names:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = importlib.util.LazyLoader(spec.loader)
                return spec
        return None


def load_on_use(names: Sequence[str] = LOADED_ON_USE) -> LazyFinder:
    """Import ``names`` lazily in this process from now on (returns the installed finder)."""
    finder = LazyFinder(names)
    sys.meta_path.insert(0, finder)
    return finder


def main() -> None:
    for name in LEFT_OUT:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]
    import os

    if "lazy_numpy" not in os.environ.get("TPO_SCOPING_BENCH_OFF", "").split(","):
        load_on_use()
    from ipykernel.kernelapp import launch_new_instance

    launch_new_instance()


if __name__ == "__main__":
    main()
