"""The sample prospect the apps open with, when no other prospect is given."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tpo_scoping.profile import Profile

SAMPLE_KEY = "growing_healthcare"
SAMPLE_ROOT = Path(__file__).resolve().parents[2] / "sample_data"


def sample_profile(key: str = SAMPLE_KEY) -> Profile:
    """The sample prospect's profile: from ``sample_data/`` in a checkout, else regenerated."""
    from tpo_scoping.profile import Profile, load_profile

    path = SAMPLE_ROOT / key / "profile.yaml"
    if path.is_file():
        return load_profile(path)
    from tpo_scoping.synthetic import SCENARIOS, generate

    fields = dict(generate(SCENARIOS[key]).profile)
    fields.pop("data", None)
    return Profile.model_validate(fields)


def sample_data_path(key: str = SAMPLE_KEY) -> Path | None:
    """Folder of the sample prospect's performance data in a checkout, or None."""
    path = SAMPLE_ROOT / key / "data"
    return path if path.is_dir() else None
