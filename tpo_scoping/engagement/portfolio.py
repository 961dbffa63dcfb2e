"""Every engagement in some folders, worst first, for the account team and the CRM.

A row per signed engagement: its latest tracked quarter's status counts, value delivered, and
the credits owed and bonuses earned so far. Worst first: most KPIs behind, then least value
delivered, then most credits owed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tpo_scoping.engagement.record import ENGAGEMENT_FILE
from tpo_scoping.engagement.status import STATUSES, Status
from tpo_scoping.engagement.tracking import TrackingResult, track
from tpo_scoping.errors import InputError


@dataclass(frozen=True)
class PortfolioRow:
    folder: Path
    prospect: str
    start: str
    latest_period: str | None
    status_counts: dict[Status, int]
    value_delivered: float | None
    credits_owed: float | None
    bonuses_earned: float | None
    currency: str

    @property
    def behind(self) -> int:
        return self.status_counts.get("behind", 0)

    def to_dict(self) -> dict[str, object]:
        return {
            "folder": str(self.folder),
            "prospect": self.prospect,
            "start": self.start,
            "latest_period": self.latest_period,
            "status_counts": dict(self.status_counts),
            "value_delivered": self.value_delivered,
            "credits_owed": self.credits_owed,
            "bonuses_earned": self.bonuses_earned,
            "currency": self.currency,
        }


@dataclass(frozen=True)
class Portfolio:
    rows: tuple[PortfolioRow, ...]

    def to_dict(self) -> dict[str, object]:
        return {"engagements": [r.to_dict() for r in self.rows]}


def row_of(result: TrackingResult) -> PortfolioRow:
    latest = result.latest
    return PortfolioRow(
        folder=result.engagement.folder,
        prospect=result.engagement.prospect,
        start=result.engagement.start.isoformat(),
        latest_period=None if latest is None else latest.period.label,
        status_counts=dict(latest.status_counts()) if latest else {s: 0 for s in STATUSES},
        value_delivered=None if latest is None else latest.value_delivered,
        credits_owed=result.credits_owed,
        bonuses_earned=result.bonuses_earned,
        currency=result.engagement.incentives.currency,
    )


def find_engagements(folders: Iterable[str | Path]) -> list[Path]:
    """Engagement folders: each given folder that is one, else its subfolders that are."""
    out: list[Path] = []
    for folder in map(Path, folders):
        if (folder / ENGAGEMENT_FILE).is_file():
            out.append(folder)
        elif folder.is_dir():
            out += sorted(p for p in folder.iterdir() if (p / ENGAGEMENT_FILE).is_file())
        else:
            raise InputError("not a folder", str(folder))
    if not out:
        raise InputError("no signed engagement (no engagement.yaml) in the folders given")
    return list(dict.fromkeys(out))


def sort_key(row: PortfolioRow) -> tuple[float, float, float, str]:
    value = row.value_delivered if row.value_delivered is not None else 2.0
    return (-row.behind, value, -(row.credits_owed or 0.0), row.prospect)


def portfolio(folders: Iterable[str | Path], *, with_attribution: bool = False) -> Portfolio:
    """Track every engagement found in ``folders`` and list them worst first."""
    rows = [
        row_of(track(folder, with_attribution=with_attribution))
        for folder in find_engagements(folders)
    ]
    return Portfolio(tuple(sorted(rows, key=sort_key)))
