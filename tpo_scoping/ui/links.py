"""Links that prefill an app: the query string, read politely.

A link's keys are matched case-blind where that is unambiguous (``FTE`` is ``fte``); keys the app
does not know are reported by name with the keys it does know, never dropped silently.
"""

from __future__ import annotations

import logging
import os
import urllib.parse
from dataclasses import dataclass, field

from tpo_scoping.errors import did_you_mean
from tpo_scoping.ui.shell import is_preheated

log = logging.getLogger("tpo_scoping.ui")

MAX_QUERY_STRING = 2_000
"""Longest query string the apps read; anything longer is ignored as a whole."""


@dataclass(frozen=True)
class LinkValues:
    """What a link's query string asked for: known keys with their first value, and the rest."""

    values: dict[str, str] = field(default_factory=dict)
    unknown: tuple[str, ...] = ()
    too_long: bool = False

    def notes(self, known: frozenset[str] | set[str]) -> list[str]:
        """Sentences naming the keys the link used that the app does not know."""
        out = []
        if self.too_long:
            out.append(f"The link was longer than {MAX_QUERY_STRING:,} characters and was ignored.")
        for key in self.unknown:
            hint = did_you_mean(key, sorted(known))
            out.append(
                f"The link's key '{key}' is not one this calculator reads{hint}; "
                f"the keys are {', '.join(sorted(known))}."
            )
        return out


def parse_query(query: str, allowed: set[str] | frozenset[str]) -> LinkValues:
    """Keys in ``allowed`` from a URL query string (first value wins), and the unknown keys.

    Keys match case-blind unless two allowed keys differ only in case.

    Examples
    --------
    >>> found = parse_query("FTE=50&fte=9&hire=3&evil=<script>", {"fte", "hires"})
    >>> found.values, found.unknown
    ({'fte': '50'}, ('hire', 'evil'))
    """
    if not query:
        return LinkValues()
    if len(query) > MAX_QUERY_STRING:
        return LinkValues(too_long=True)
    try:
        pairs = urllib.parse.parse_qsl(query, keep_blank_values=False, max_num_fields=50)
    except ValueError:
        return LinkValues(unknown=("(unreadable)",))
    folded: dict[str, str] = {}
    for key in allowed:
        folded[key.lower()] = key if key.lower() not in folded else ""
    values: dict[str, str] = {}
    unknown: list[str] = []
    for raw, value in pairs:
        key = raw if raw in allowed else folded.get(raw.lower(), "")
        if key:
            values.setdefault(key, value[:100])
        elif raw[:40] not in unknown and len(unknown) < 10:
            unknown.append(raw[:40])
    return LinkValues(values, tuple(unknown))


def request_query_string() -> str:
    """The page request's query string, also with a preheated kernel.

    A kernel from Voilà's pool runs the notebook before anyone asks for it; the request's
    details reach it only through ``voila.utils.wait_for_request``, which returns at once when
    the kernel was started for the request.
    """
    if is_preheated():
        try:
            from voila.utils import wait_for_request

            wait_for_request()
        except Exception:  # the page still works, just without prefill
            log.exception("could not read the request of a preheated kernel")
    return os.environ.get("QUERY_STRING", "")
