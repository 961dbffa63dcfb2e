"""Messages in the page: a line under a field or a panel, and failures turned into words.

An app never shows a traceback. :func:`guarded` turns an :class:`~tpo_scoping.errors.InputError`
into its problems, written for people (:func:`problem_text`: "Site 2, country: ..." rather than
``sites.1.country``), and any other failure into :data:`POLITE_ERROR`, with the detail in the
server log (:mod:`tpo_scoping.ui.server_log`).
"""

from __future__ import annotations

import functools
import html
import logging
import re
from collections.abc import Callable
from typing import Any, TypeVar

import traitlets

from tpo_scoping.errors import InputError, Problem
from tpo_scoping.labels import words
from tpo_scoping.ui.html import HtmlBlock

log = logging.getLogger("tpo_scoping.ui")

F = TypeVar("F", bound=Callable[..., Any])

POLITE_ERROR = (
    "Sorry, something went wrong while {activity}. The details were written to the server log; "
    "please change an input or try again."
)

COLOURS = {"error": "#9b1c1c", "warning": "#8a5a00", "info": "#33506b", "ok": "#1d6b35"}


def message_html(text: str, kind: str = "error") -> str:
    """A short escaped message as HTML; ``kind`` is error, warning, info or ok."""
    if not text:
        return ""
    colour = COLOURS.get(kind, COLOURS["info"])
    body = "<br>".join(html.escape(line) for line in text.splitlines())
    return f'<div class="tpo-msg tpo-msg-{kind}" style="color:{colour};font-size:13px">{body}</div>'


class MessageBox(HtmlBlock):
    """A line of text under a field or a panel: empty when there is nothing to say."""

    text = traitlets.Unicode("")
    kind = traitlets.Unicode("error")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.add_class("tpo-message")

    @traitlets.observe("text", "kind")
    def _render(self, _change: Any = None) -> None:
        self.value = message_html(self.text, self.kind)

    def show(self, text: str, kind: str = "error") -> None:
        with self.hold_trait_notifications():
            self.kind = kind
            self.text = text

    def clear(self) -> None:
        self.text = ""


FIELD_WORDS = {
    "prospect": "Prospect name",
    "sites": "Site",
    "fte": "FTE",
    "country": "Country",
    "name": "Site name",
    "growth": "",
    "hires_per_quarter": "New hires per quarter",
    "annual_attrition": "Annual attrition",
    "compliance_domains": "Compliance domains",
    "current_training": "Training today",
    "internal_ld_staff": "Internal L&D staff",
    "readiness": "Readiness",
    "assumptions": "Assumption",
}
"""How the profile's field names read in a message."""

_PATH = re.compile(r"^[A-Za-z_][\w]*(\.\w+)*$")
_FILE = re.compile(r"\.(csv|tsv|txt|xlsx|xlsm|xls|yaml|yml|json)$", re.IGNORECASE)


def field_words(path: str) -> str:
    """A profile field path in words, sites counted from 1.

    >>> field_words("sites.1.country"), field_words("growth.annual_attrition")
    ('Site 2, country', 'Annual attrition')
    """
    parts: list[str] = []
    for part in path.split("."):
        if part.isdigit() and parts:
            parts[-1] = f"{parts[-1]} {int(part) + 1}"
        elif FIELD_WORDS.get(part) != "":
            parts.append(FIELD_WORDS.get(part, words(part)))
    tail = [part if part.isupper() else part[:1].lower() + part[1:] for part in parts[1:]]
    return ", ".join(parts[:1] + tail)


def problem_text(problem: Problem) -> str:
    """One problem as a sentence that names its field in words.

    >>> problem_text(Problem("bad.yaml: sites.0.fte", "must be greater than 0"))
    'bad.yaml: Site 1, FTE: must be greater than 0'
    >>> problem_text(Problem("employees.csv", "not a readable CSV table"))
    'employees.csv: not a readable CSV table'
    """
    where = problem.where
    source, _, path = where.rpartition(": ")
    is_field = _PATH.match(path) and "." in path and not _FILE.search(path)
    if path in FIELD_WORDS or is_field:
        where = (f"{source}: " if source else "") + field_words(path)
    return f"{where}: {problem.message}" if where else problem.message


def input_error_text(exc: InputError) -> str:
    """The lines of an :class:`InputError`, as shown in the page."""
    prefix = f"{exc.source}: " if exc.source else ""
    return "\n".join(prefix + problem_text(p) for p in exc.problems) or str(exc)


def guarded(activity: str, message: Callable[[Any], MessageBox]) -> Callable[[F], F]:
    """Decorate a method so that failures become messages in the page.

    ``InputError`` shows its problems; any other exception shows :data:`POLITE_ERROR` and logs
    the traceback to the server log. ``message`` picks the :class:`MessageBox` from ``self``;
    ``activity`` says what the method does ("scoping the engagement").
    """

    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            box = message(self)
            try:
                return fn(self, *args, **kwargs)
            except InputError as exc:
                box.show(input_error_text(exc), "error")
            except Exception:
                log.exception("%s failed while %s", type(self).__name__, activity)
                box.show(POLITE_ERROR.format(activity=activity), "error")
            return None

        return wrapper  # type: ignore[return-value]

    return decorate
