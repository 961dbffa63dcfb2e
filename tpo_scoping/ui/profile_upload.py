"""A prospect profile uploaded as YAML, validated at the edge."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from tpo_scoping.errors import InputError
from tpo_scoping.ui.messages import POLITE_ERROR, MessageBox, input_error_text

if TYPE_CHECKING:
    from tpo_scoping.profile import Profile

log = logging.getLogger("tpo_scoping.ui")

MAX_PROFILE_UPLOAD = 1_000_000


def read_profile_upload(value: Any) -> Profile:
    """Validate an uploaded profile YAML (an upload button's value) into a Profile.

    An uploaded profile cannot point at files on the server: its ``data`` is dropped.
    """
    from tpo_scoping.profile import parse_profile

    files = list(value or [])
    if not files:
        raise InputError("Choose a profile YAML file")
    item = files[0]
    name = str(item.get("name", "profile.yaml"))
    size = int(item.get("size", 0) or 0)
    if size > MAX_PROFILE_UPLOAD:
        raise InputError(
            f"{name}: {size:,} bytes is too large for a profile (at most {MAX_PROFILE_UPLOAD:,})"
        )
    profile = parse_profile(bytes(item.get("content", b"")), source=name)
    if profile.data is not None:
        profile = profile.model_copy(update={"data": None})
    return profile


def profile_from_upload(value: Any, message: MessageBox) -> Profile | None:
    """The uploaded profile, or None after explaining the problem in ``message``."""
    try:
        return read_profile_upload(value)
    except InputError as exc:
        message.show(input_error_text(exc))
    except Exception:
        log.exception("reading an uploaded profile failed")
        message.show(POLITE_ERROR.format(activity="reading the profile"))
    return None
