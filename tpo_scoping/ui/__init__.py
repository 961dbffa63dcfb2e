"""Composite widgets behind the Voilà apps, one module per app.

Each app is a container subclass whose state lives in traitlets and whose child controls are
exposed in a ``controls`` dict, so tests can set values and click buttons without a browser:

* :mod:`tpo_scoping.ui.breakeven_calculator`: the public break-even calculator;
* :mod:`tpo_scoping.ui.scoping_calculator`: the sales engineers' scoping calculator;
* :mod:`tpo_scoping.ui.needs_app`: performance-data upload and needs analysis;
* :mod:`tpo_scoping.ui.kpi_drafter`: KPI targets, milestones and detectability.

Importing this package is cheap; each module imports the analyses it needs lazily.
"""
