"""After the signature: a signed engagement, tracked quarter by quarter against what was agreed.

* :func:`sign` freezes the scope into an engagement folder (:mod:`.record` describes it);
* :func:`read_record` reads it back, validated, into a :class:`SignedEngagement`;
* :func:`track` measures every KPI per quarter, judges it against its milestone, applies the
  signed bonus and credit rules, compares plan and reality, and compares cohorts before and
  under the engagement (:class:`TrackingResult`);
* :func:`portfolio` lists many engagements, worst first.

Presentation (tables and sentences shared by the CLI, the report, the notebook and the app)
lives in :mod:`tpo_scoping.presentation.engagement`.
"""

from tpo_scoping.engagement.portfolio import Portfolio, PortfolioRow, portfolio
from tpo_scoping.engagement.record import Period, SignedEngagement, read_record
from tpo_scoping.engagement.signing import sign
from tpo_scoping.engagement.tracking import QuarterResult, TrackingResult, review, track

__all__ = [
    "Period",
    "Portfolio",
    "PortfolioRow",
    "QuarterResult",
    "SignedEngagement",
    "TrackingResult",
    "portfolio",
    "read_record",
    "review",
    "sign",
    "track",
]
