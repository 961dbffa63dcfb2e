"""Composite widgets behind the Voilà apps, one module per app.

Each app is a container subclass whose state lives in traitlets and whose child controls are
exposed in a ``controls`` dict, so tests can set values and click buttons without a browser:

* :mod:`tpo_scoping.ui.breakeven_calculator`: the public break-even calculator;
* :mod:`tpo_scoping.ui.scoping_calculator`: the sales engineers' scoping calculator;
* :mod:`tpo_scoping.ui.needs_app`: performance-data upload and needs analysis;
* :mod:`tpo_scoping.ui.kpi_drafter`: KPI targets, milestones and detectability;
* :mod:`tpo_scoping.ui.quarterly_review`: a signed engagement's quarterly review and the
  portfolio.
* :mod:`tpo_scoping.ui.landing`: the workbench's landing page.

The pieces they share each have a module: :mod:`~tpo_scoping.ui.shell` (the app frame and its
first answer), :mod:`~tpo_scoping.ui.fields`, :mod:`~tpo_scoping.ui.messages`,
:mod:`~tpo_scoping.ui.html`, :mod:`~tpo_scoping.ui.downloads`, :mod:`~tpo_scoping.ui.uploads`,
:mod:`~tpo_scoping.ui.links`, :mod:`~tpo_scoping.ui.attached_data`,
:mod:`~tpo_scoping.ui.saved_prospects`, :mod:`~tpo_scoping.ui.kpi_table`.

Importing this package is cheap; each module imports the analyses it needs lazily.
"""
