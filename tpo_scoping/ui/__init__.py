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

UNUSED_FORMAT_CHECKERS = (
    "rfc3987_syntax",
    "fqdn",
    "isoduration",
    "jsonpointer",
    "rfc3339_validator",
    "uri_template",
    "webcolors",
)
"""Packages jsonschema would import to check string formats that no app's schema uses.

jsonschema imports one package per format it can check, whichever are installed (jupyter's
``jsonschema[format-nongpl]`` extra installs them all). The one schema the apps validate
against is altair's Vega-Lite schema, which uses only the ``uri`` and ``uri-reference``
formats (``rfc3986_validator``, kept) and ``color-hex`` (no checker). Leaving the others out
costs no check and saves every kernel that draws a chart their import: ``rfc3987_syntax``
alone compiles some 35 Earley parsers, about 1.4 s of CPU (python-jsonschema/jsonschema#1428);
the rest (``isoduration`` brings ``arrow``) about 1.7 MB and 50 ms. jsonschema skips the formats
whose package is missing.
"""

import os as _os  # noqa: E402

_BENCH_OFF = set(_os.environ.get("TPO_SCOPING_BENCH_OFF", "").split(","))
"""Start-up mechanisms switched off for the on/off measurement in ``bench/bench_startup.py``."""

if "jsonschema" not in sys.modules and "format_checkers" not in _BENCH_OFF:
    for _name in UNUSED_FORMAT_CHECKERS:
        sys.modules.setdefault(_name, None)  # type: ignore[arg-type]
