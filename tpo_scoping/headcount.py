"""One headcount model for the whole workbench: gross hires in, leavers out at the attrition rate.

The profile's ``growth.hires_per_quarter`` counts **gross** new hires: people hired to grow the
team and people hired to replace leavers alike. ``growth.annual_attrition`` is a rate, leavers
per year divided by headcount, so a month loses ``attrition / 12`` of the team:

.. math::

    FTE(m) = FTE(m-1) \\cdot (1 - a/12) + h/3

with :math:`h` the hires per quarter. The economics, the fit verdict, the KPI draft and the
engagement plan all read the team's future from :func:`project_fte`, so they cannot disagree on
it. The same rate gives a new hire's chance of staying ``d`` days,
:math:`(1 - a/12)^{d / 30.44}`.

Examples
--------
>>> plan = HeadcountPlan(start_fte=60, hires_per_quarter=15, annual_attrition=0.3)
>>> round(plan.fte_after(12), 1), round(plan.replacement_hires_per_quarter, 1)
(96.7, 4.5)
>>> plan.hiring_phrase()
'hiring 15 a quarter (about 10 more than the 4.5 who leave)'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from tpo_scoping.profile import Profile

DAYS_PER_MONTH = 365.25 / 12


def project_fte(
    start: np.ndarray, hires_per_month: float, leaving_share: float, months: int
) -> tuple[np.ndarray, np.ndarray]:
    """Headcount and leavers month by month for one or more starting team sizes.

    Parameters
    ----------
    start : array of shape ``(P,)``
        Starting team sizes.
    hires_per_month : float
        Gross hires per month.
    leaving_share : float
        Share of the team leaving each month (``annual_attrition / 12``).
    months : int
        Months projected.

    Returns
    -------
    fte, leavers : arrays of shape ``(P, months)``
        ``fte[p, m]`` is the team at the end of month ``m + 1``,
        :math:`r^{m} n + h (1 + r + \\dots + r^{m-1})` with :math:`r = 1 - a/12`; ``leavers[p, m]``
        leave during that month, ``leaving_share × fte[p, m - 1]``.

    Examples
    --------
    >>> fte, leavers = project_fte(np.array([50.0]), 10.0, 0.0, 3)
    >>> fte.tolist(), leavers.tolist()
    ([[60.0, 70.0, 80.0]], [[0.0, 0.0, 0.0]])
    """
    start = np.atleast_1d(np.asarray(start, dtype=float))
    r = 1.0 - leaving_share
    growth = r ** np.arange(1, months + 1, dtype=float)
    # offset(m) = h · Σ_{j<m} r^j, accumulated so that r = 1 needs no special case
    offset = hires_per_month * np.cumsum(r ** np.arange(months, dtype=float))
    fte = start[:, None] * growth[None, :] + offset[None, :]
    previous = np.concatenate([start[:, None], fte[:, :-1]], axis=1)
    return fte, leaving_share * previous


@dataclass(frozen=True)
class HeadcountPlan:
    """A team's size, gross hiring and attrition rate: the inputs of :func:`project_fte`."""

    start_fte: float
    hires_per_quarter: float
    annual_attrition: float

    @classmethod
    def from_profile(cls, profile: Profile) -> HeadcountPlan:
        return cls(
            float(profile.total_fte),
            float(profile.growth.hires_per_quarter),
            float(profile.growth.annual_attrition),
        )

    @property
    def hires_per_month(self) -> float:
        return self.hires_per_quarter / 3.0

    @property
    def leaving_share_per_month(self) -> float:
        """Share of the team leaving in a month, ``annual_attrition / 12`` (at most all of it)."""
        return min(self.annual_attrition / 12.0, 1.0)

    def project(self, months: int) -> np.ndarray:
        """The team at the end of each month ``1..months``."""
        fte, _ = project_fte(
            np.array([self.start_fte]), self.hires_per_month, self.leaving_share_per_month, months
        )
        return np.asarray(fte[0])

    def fte_after(self, months: int) -> float:
        """The team after ``months`` months (today's size for 0)."""
        return float(self.project(months)[-1]) if months > 0 else self.start_fte

    def smallest_fte(self, months: int) -> float:
        """The smallest the team gets within ``months`` months, today included."""
        return float(min(self.start_fte, self.project(months).min())) if months else self.start_fte

    @property
    def replacement_hires_per_quarter(self) -> float:
        """Hires a quarter that only replace today's leavers: ``3 × a/12 × FTE``."""
        return 3 * self.leaving_share_per_month * self.start_fte

    @property
    def net_growth_per_quarter(self) -> float:
        """Hires beyond replacement in the first quarter (negative when the team shrinks)."""
        return self.hires_per_quarter - self.replacement_hires_per_quarter

    def survival(self, days: float) -> float:
        """Chance a new hire is still employed ``days`` days after hire, at the team's rate."""
        return float((1.0 - self.leaving_share_per_month) ** (days / DAYS_PER_MONTH))

    def hiring_phrase(self) -> str:
        """The hiring plan in words, separating growth from replacement."""
        hires = self.hires_per_quarter
        leave = self.replacement_hires_per_quarter
        if hires <= 0:
            return "not hiring" + (f" while about {_count(leave)} a quarter leave" if leave else "")
        if leave == 0:
            return f"hiring {hires:g} a quarter to grow the team"
        net = hires - leave
        if abs(net) < max(0.5, 0.1 * hires):
            return f"hiring {hires:g} a quarter to replace leavers"
        if net < 0:
            return (
                f"hiring {hires:g} a quarter while about {_count(leave)} leave, so the team shrinks"
            )
        return (
            f"hiring {hires:g} a quarter (about {_count(net)} more than the {_count(leave)} who"
            " leave)"
        )


def _count(value: float) -> str:
    """A number of people a quarter: whole from 10 up, one decimal below.

    >>> _count(15.6), _count(0.42), _count(3.0)
    ('16', '0.4', '3')
    """
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}".removesuffix(".0")
