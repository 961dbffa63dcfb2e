"""Composite widgets behind the Voilà apps, one module per app.

Each app is a container subclass whose state lives in traitlets and whose child controls are
exposed in a ``controls`` dict, so tests can set values and click buttons without a browser:

* :mod:`tpo_scoping.ui.breakeven_calculator`: the public break-even calculator;
* :mod:`tpo_scoping.ui.scoping_calculator`: the sales engineers' scoping calculator;
* :mod:`tpo_scoping.ui.needs_app`: performance-data upload and needs analysis;
* :mod:`tpo_scoping.ui.kpi_drafter`: KPI targets, milestones and detectability.

Importing this package is cheap; each module imports the analyses it needs lazily.
"""

import sys

if "jsonschema" not in sys.modules:
    # jsonschema's format checkers import ``rfc3987_syntax`` when it is installed (jupyter's
    # ``jsonschema[format-nongpl]`` extra installs it), and that module compiles some 35 Earley
    # parsers at import: about 1.4 s of CPU and memory in every kernel that draws an altair
    # chart (python-jsonschema/jsonschema#1428). No schema an app validates uses the ``iri``
    # formats it serves, so app kernels leave it out; jsonschema then skips those two checks.
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
