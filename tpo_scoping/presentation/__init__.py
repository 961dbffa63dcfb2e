"""One presentation layer: every result as formatted tables, key figures and sentences.

The notebooks (:mod:`tpo_scoping.display`), the apps (:mod:`tpo_scoping.ui`), the brief
(:mod:`tpo_scoping.report`) and the CLI draw the same :class:`~.table.Table` rows from here, so a
figure shown in two places cannot read differently. Formatters and names live in
:mod:`tpo_scoping.labels`.

* :mod:`~.economics`: options (cash, imputed, total), conservative views, break-even sentences,
  assumptions, sensitivity, simulation, thresholds;
* :mod:`~.needs`: data quality, priorities, ramp, retention, compliance, training impact;
* :mod:`~.kpis`: the KPI table, milestone paths, detectability, definitions;
* :mod:`~.scope`: the profile, the verdict's criteria and risks, the plan;
* :mod:`~.engagement`: a signed engagement's tracking, the quarterly review and the portfolio.
"""

from tpo_scoping.presentation.table import KeyFigure, Table

__all__ = ["KeyFigure", "Table"]
