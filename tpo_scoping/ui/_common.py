"""Pieces shared by the app widgets: validated fields, messages, downloads, error handling.

Everything a person sees goes through here, so the apps behave alike:

* :class:`NumberField` parses what was typed and shows a friendly message next to the field
  instead of silently clamping or raising;
* :func:`guarded` turns any failure of a computation into a polite message in the page, with the
  detail in the server log (never a traceback in the page);
* :func:`download_link` offers bytes built in memory as a download (a ``data:`` URI), so nothing
  is written to disk;
* :class:`Debouncer` delays an expensive recomputation until input pauses.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import html
import importlib
import logging
import math
import os
import sys
import threading
import urllib.parse
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from typing import Any, TypeVar

import anywidget
import ipywidgets as widgets
import traitlets
from ipywidgets.widgets.widget_string import HTMLStyle, TextStyle  # not exported at top level

from tpo_scoping.errors import InputError

log = logging.getLogger("tpo_scoping.ui")

F = TypeVar("F", bound=Callable[..., Any])

MAX_QUERY_STRING = 2_000
"""Longest query string the apps read; anything longer is ignored as a whole."""

POLITE_ERROR = (
    "Sorry, something went wrong while {what}. The details were written to the server log; "
    "please change an input or try again."
)


# --------------------------------------------------------------------------------------------
# Logging: details go to the server's log, never to the page.


def _server_stream() -> Any:
    """The kernel process's real stderr, bypassing ipykernel's capture (which feeds the page)."""
    fd = getattr(sys.stderr, "_original_stdstream_copy", None)
    if isinstance(fd, int):
        try:
            return os.fdopen(os.dup(fd), "w", buffering=1)
        except OSError:  # pragma: no cover - exotic kernels
            pass
    return sys.__stderr__


def install_server_log() -> None:
    """Inside a kernel, send ``tpo_scoping`` log records to the server log (once).

    Outside a kernel (tests, scripts) logging is left alone.
    """
    if not type(sys.stderr).__module__.startswith("ipykernel"):
        return
    root = logging.getLogger("tpo_scoping")
    if any(getattr(h, "_tpo_server_log", False) for h in root.handlers):
        return
    handler = logging.StreamHandler(_server_stream())
    handler.setFormatter(logging.Formatter("[tpo_scoping] %(levelname)s %(name)s: %(message)s"))
    handler._tpo_server_log = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    root.propagate = False


# --------------------------------------------------------------------------------------------
# Text blocks

_SHARED_MODELS: dict[tuple[str, tuple[tuple[str, str], ...]], widgets.Widget] = {}


def shared_model(factory: type[widgets.Widget], **traits: str) -> Any:
    """One layout or style model per distinct look, shared by every widget that has that look.

    ipywidgets gives each widget its own layout and style models, and the page fetches and
    builds every model before it shows an app: two thirds of a form's models would be copies
    of the same empty layout. Only widgets that never change their layout or style may share.
    A shared model that was closed (``Widget.close_all()``) is replaced.
    """
    key = (factory.__name__, tuple(sorted(traits.items())))
    model = _SHARED_MODELS.get(key)
    if model is None or model.comm is None:
        model = _SHARED_MODELS[key] = factory(**traits)
    return model


class HtmlBlock(widgets.HTML):
    """An HTML widget whose box and font never change, so it shares its layout and style.

    Use it for headings, captions, answers and messages; a block that must be shown, hidden
    or resized needs a plain ``widgets.HTML`` with its own layout.
    """

    @traitlets.default("layout")
    def _shared_layout(self) -> Any:
        return shared_model(widgets.Layout)

    @traitlets.default("style")
    def _shared_style(self) -> Any:
        return shared_model(HTMLStyle)


# --------------------------------------------------------------------------------------------
# Messages


def message_html(text: str, kind: str = "error") -> str:
    """A short escaped message as HTML; ``kind`` is error, warning, info or ok."""
    if not text:
        return ""
    colours = {"error": "#9b1c1c", "warning": "#8a5a00", "info": "#33506b", "ok": "#1d6b35"}
    colour = colours.get(kind, colours["info"])
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


def input_error_text(exc: InputError) -> str:
    """The lines of an :class:`InputError`, as shown in the page."""
    return "\n".join(str(p) for p in exc.problems) or str(exc)


def guarded(what: str, message: Callable[[Any], MessageBox]) -> Callable[[F], F]:
    """Decorate a method so that failures become messages in the page.

    ``InputError`` shows its problems; any other exception shows :data:`POLITE_ERROR` and logs
    the traceback to the server log. ``message`` picks the :class:`MessageBox` from ``self``.
    """

    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            box = message(self)
            try:
                result = fn(self, *args, **kwargs)
            except InputError as exc:
                box.show(input_error_text(exc), "error")
                return None
            except Exception:
                log.exception("%s failed while %s", type(self).__name__, what)
                box.show(POLITE_ERROR.format(what=what), "error")
                return None
            return result

        return wrapper  # type: ignore[return-value]

    return decorate


# --------------------------------------------------------------------------------------------
# Fields


def parse_number(
    text: str,
    *,
    label: str,
    minimum: float | None = None,
    maximum: float | None = None,
    integer: bool = False,
    percent: bool = False,
) -> float:
    """Parse a number typed by a person, or raise ``ValueError`` with a friendly message.

    Accepts thousands separators (``1,200``), surrounding spaces and, for percentages, a trailing
    ``%`` (``30`` and ``30%`` both mean 0.30).

    Examples
    --------
    >>> parse_number(" 1,200 ", label="FTE", integer=True)
    1200.0
    >>> parse_number("30%", label="Attrition", percent=True)
    0.3
    """
    raw = (text or "").strip().replace(",", "").replace("_", "")
    if percent:
        raw = raw.rstrip("%").strip()
    if not raw:
        raise ValueError(f"{label}: enter a number")
    if len(raw) > 30:
        raise ValueError(f"{label}: that is not a number we can use")
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{label}: '{_short(text)}' is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"{label}: enter a finite number")
    if integer and value != int(value):
        raise ValueError(f"{label}: enter a whole number")
    if percent:
        value = value / 100.0
    unit = "%" if percent else ""
    scale = 100.0 if percent else 1.0
    if minimum is not None and value < minimum:
        raise ValueError(f"{label}: must be at least {minimum * scale:,.10g}{unit}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{label}: must be at most {maximum * scale:,.10g}{unit}")
    return value


def _short(text: str, limit: int = 24) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def format_number(value: float, *, integer: bool = False, percent: bool = False) -> str:
    """The text a :class:`NumberField` shows for ``value``."""
    if percent:
        return f"{value * 100:.4g}"
    if integer:
        return str(round(value))
    return f"{value:.6g}"


class NumberField(widgets.VBox):
    """A labelled numeric input that validates on commit and explains bad input beside it.

    ``value`` holds the last valid number (a fraction for percentages); ``valid`` is False while
    the text on screen cannot be used. Typing never triggers work: the field commits on Enter
    or when it loses focus (``continuous_update=False``). ``caption=False`` leaves the label
    off the screen for fields in a table whose column header names them; messages still use it.
    """

    value = traitlets.Float(0.0)
    valid = traitlets.Bool(True)
    error = traitlets.Unicode("")

    def __init__(
        self,
        label: str,
        value: float,
        *,
        minimum: float | None = None,
        maximum: float | None = None,
        integer: bool = False,
        percent: bool = False,
        unit: str = "",
        help: str = "",
        width: str = "150px",
        caption: bool = True,
    ) -> None:
        self.label = label
        self.minimum = minimum
        self.maximum = maximum
        self.integer = integer
        self.percent = percent
        suffix = "%" if percent else unit
        self.text = widgets.Text(
            value=format_number(value, integer=integer, percent=percent),
            continuous_update=False,
            layout=shared_model(widgets.Layout, width=width),
            style=shared_model(TextStyle),
            tooltip=help or None,
        )
        self.text.add_class("tpo-number")
        self.message = MessageBox()
        children: list[widgets.Widget] = [self.text, self.message]
        if caption:
            children.insert(
                0,
                HtmlBlock(
                    f'<span style="font-size:13px">{html.escape(label)}'
                    + (
                        f' <span style="color:#667">({html.escape(suffix)})</span>'
                        if suffix
                        else ""
                    )
                    + "</span>",
                    tooltip=help or None,
                ),
            )
        else:  # a column header names it (rows of a table); messages still use the label
            self.text.placeholder = label
        super().__init__(children)
        self.add_class("tpo-field")
        self.value = float(value)
        self.text.observe(self._on_text, names="value")

    def _on_text(self, change: Mapping[str, Any]) -> None:
        try:
            number = parse_number(
                change["new"],
                label=self.label,
                minimum=self.minimum,
                maximum=self.maximum,
                integer=self.integer,
                percent=self.percent,
            )
        except ValueError as exc:
            with self.hold_trait_notifications():
                self.error = str(exc)
                self.valid = False
            self.message.show(str(exc))
            return
        self.message.clear()
        with self.hold_trait_notifications():
            self.error = ""
            self.valid = True
            self.value = number

    def set(self, value: float) -> None:
        """Set the value programmatically (shows it, validates it like typed input)."""
        self.text.value = format_number(value, integer=self.integer, percent=self.percent)
        # Setting the same text twice does not fire; validate explicitly.
        self._on_text({"new": self.text.value})

    def type(self, text: str) -> None:
        """Simulate typing ``text`` and committing it (for tests and prefill)."""
        self.text.value = text
        self._on_text({"new": text})


# --------------------------------------------------------------------------------------------
# Downloads


def data_uri(data: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


MIME = {
    "html": "text/html",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "yaml": "application/x-yaml",
    "csv": "text/csv",
}


def download_link(data: bytes, filename: str, label: str | None = None) -> str:
    """An HTML anchor that downloads ``data`` as ``filename``, built entirely in memory."""
    ext = filename.rsplit(".", 1)[-1].lower()
    mime = MIME.get(ext, "application/octet-stream")
    text = html.escape(label or f"Download {filename}")
    return (
        f'<a class="tpo-download" href="{data_uri(data, mime)}" '
        f'download="{html.escape(filename, quote=True)}" '
        'style="display:inline-block;padding:4px 10px;border:1px solid #1f6f8b;border-radius:4px;'
        f'color:#1f6f8b;text-decoration:none;font-size:13px">⬇ {text}</a>'
    )


def safe_filename(text: str, default: str = "prospect") -> str:
    """A file-name stem made of letters, digits and dashes.

    Examples
    --------
    >>> safe_filename("Example Health Services, Inc.")
    'example-health-services-inc'
    """
    stem = "".join(c.lower() if c.isalnum() else "-" for c in text)
    stem = "-".join(part for part in stem.split("-") if part)[:60]
    return stem or default


# --------------------------------------------------------------------------------------------
# Debounce and query strings


class Debouncer:
    """Call ``fn`` once input has paused for ``wait`` seconds.

    Inside a running event loop (a Jupyter kernel) calls are scheduled with ``call_later`` and
    coalesced; with no running loop (plain pytest) or ``wait == 0`` they run at once, so tests
    need no sleeping.
    """

    def __init__(self, fn: Callable[[], Any], wait: float = 0.25) -> None:
        self.fn = fn
        self.wait = wait
        self._handle: asyncio.TimerHandle | None = None

    def __call__(self, *_args: Any, **_kwargs: Any) -> None:
        if self.wait <= 0:
            self.fn()
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.fn()
            return
        if self._handle is not None:
            self._handle.cancel()
        self._handle = loop.call_later(self.wait, self._fire)

    def _fire(self) -> None:
        self._handle = None
        self.fn()

    def flush(self) -> None:
        """Run a pending call now."""
        if self._handle is not None:
            self._handle.cancel()
            self._fire()


def parse_query(query: str, allowed: set[str] | frozenset[str]) -> dict[str, str]:
    """Keys in ``allowed`` from a URL query string; first value wins; junk is dropped.

    Examples
    --------
    >>> parse_query("fte=50&fte=9&evil=<script>", {"fte"})
    {'fte': '50'}
    """
    if not query or len(query) > MAX_QUERY_STRING:
        return {}
    try:
        pairs = urllib.parse.parse_qsl(query, keep_blank_values=False, max_num_fields=50)
    except ValueError:
        return {}
    out: dict[str, str] = {}
    for key, value in pairs:
        if key in allowed and key not in out:
            out[key] = value[:100]
    return out


def request_query_string() -> str:
    """The page request's query string, also with a preheated kernel.

    A kernel from Voilà's pool runs the notebook before anyone asks for it; the request's
    details reach it only through ``voila.utils.wait_for_request``, which returns at once when
    the kernel was started for the request.
    """
    if os.environ.get("VOILA_PREHEAT", "False") != "False":
        try:
            from voila.utils import wait_for_request

            wait_for_request()
        except Exception:  # the page still works, just without prefill
            log.exception("could not read the request of a preheated kernel")
    return os.environ.get("QUERY_STRING", "")


def heading(text: str, level: int = 3) -> HtmlBlock:
    return HtmlBlock(f"<h{level} style='margin:6px 0'>{html.escape(text)}</h{level}>")


def money(value: float | None) -> str:
    """USD with thousands separators, no cents ("$1,234,567"); a dash for missing values."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.0f}"


def html_table(headers: list[str], rows: list[list[str]], *, css_class: str = "tpo-table") -> str:
    """A plain HTML table; cells are already-escaped HTML snippets."""
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return (
        f'<table class="{css_class}" style="border-collapse:collapse;font-size:13px">'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


TABLE_CSS = """<style>
.tpo-table th, .tpo-table td { border-bottom: 1px solid #dde3e8; padding: 4px 8px;
  text-align: left; vertical-align: top; }
.tpo-table td, .tpo-table th { line-height: 1.35; }
.tpo-table th { background: #eef2f5; font-weight: 600; }
.tpo-answer { font-size: 17px; line-height: 1.45; }
.tpo-big { font-size: 26px; font-weight: 700; color: #1f6f8b; }
.tpo-msg { line-height: 1.35; }
/* A field's message wraps under its input instead of widening its column. */
.tpo-field > .tpo-message { width: 0; min-width: 100%; }
/* Wide tables and charts scroll inside their column rather than being cut off. */
.tpo-chart, .tpo-kpi-table { max-width: 100%; overflow-x: auto; }
/* Outputs computed from earlier inputs, while a field is wrong. */
.tpo-stale { opacity: 0.35; transition: opacity 0.2s; }
</style>"""

STALE = "tpo-stale"
"""The class that greys out outputs while the inputs they came from are no longer on screen."""


def show_stale(outputs: list[widgets.Widget], stale: bool) -> None:
    """Grey out ``outputs`` (or restore them): a wrong field leaves them from earlier inputs."""
    for output in outputs:
        if stale:
            output.add_class(STALE)
        else:
            output.remove_class(STALE)


# --------------------------------------------------------------------------------------------
# The sample prospect


SAMPLE_KEY = "growing_healthcare"


def sample_profile(key: str = SAMPLE_KEY) -> Any:
    """The sample prospect's profile: from ``sample_data/`` in a checkout, else regenerated."""
    from pathlib import Path

    from tpo_scoping.profile import Profile, load_profile

    path = Path(__file__).resolve().parents[2] / "sample_data" / key / "profile.yaml"
    if path.is_file():
        return load_profile(path)
    from tpo_scoping.synthetic import SCENARIOS, generate

    fields = dict(generate(SCENARIOS[key]).profile)
    fields.pop("data", None)
    return Profile.model_validate(fields)


class ProfileData:
    """The needs analysis of a profile's own performance data, computed once per profile.

    The calculators read its gaps, compliance and KPI baselines. :meth:`analyse` is pure (an
    app's :meth:`AppShell.prepare` runs it in the background); :meth:`of` remembers the last
    profile's result. A profile without data, or an app built without it, gives ``None``.
    """

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self.result: Any = None
        self.warning = ""
        self._profile: Any = None

    def analyse(self, profile: Any) -> tuple[Any, str]:
        """The analysis of ``profile``'s data and, when it could not be used, why."""
        if not self.enabled or profile.data is None or not profile.data.path:
            return None, ""
        from tpo_scoping.scope import analyse, load_data

        try:
            # The apps read gaps, compliance and baselines, never the training-impact models.
            return analyse(load_data(None, profile), profile, None, with_impact=False), ""
        except InputError as exc:
            return None, (
                "The profile's performance data could not be used: " + input_error_text(exc)
            )

    def remember(self, profile: Any, result: Any, warning: str) -> None:
        self._profile, self.result, self.warning = profile, result, warning

    def of(self, profile: Any) -> Any:
        """The analysis of ``profile``'s data (computed unless it was the last one asked)."""
        if profile is None:
            return None
        if self._profile is not profile:
            self.remember(profile, *self.analyse(profile))
        return self.result


def sample_data_path(key: str = SAMPLE_KEY) -> Any:
    """Folder of the sample prospect's performance data in a checkout, or None."""
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "sample_data" / key / "data"
    return path if path.is_dir() else None


# --------------------------------------------------------------------------------------------
# The app shell


def _bench_off(mechanism: str) -> bool:
    """Whether ``bench/bench_startup.py`` switched ``mechanism`` off for its measurement."""
    return mechanism in os.environ.get("TPO_SCOPING_BENCH_OFF", "").split(",")


def is_preheated() -> bool:
    """True in a kernel Voilà started ahead of any request (the kernel pool)."""
    return os.environ.get("VOILA_PREHEAT", "False") != "False"


class PageShown(anywidget.AnyWidget):  # type: ignore[misc]
    """An invisible widget whose view tells the kernel that the page has drawn the app.

    Its view sends one ``{"event": "shown"}`` message when it renders, which happens only after
    the page has loaded every widget model of the app from the kernel.
    """

    _esm = "export default { render({ model }) { model.send({ event: 'shown' }); } };"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(layout=widgets.Layout(display="none"), **kwargs)
        self.seen = False
        self._callbacks: list[Callable[[], None]] = []
        self.on_msg(self._on_message)

    def when_shown(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once the page has shown the app (at once if it already has)."""
        if self.seen:
            callback()
        else:
            self._callbacks.append(callback)

    def _on_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, dict) or content.get("event") != "shown" or self.seen:
            return
        self.seen = True
        callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            callback()


class AppShell(widgets.VBox):
    """Base of every app: a status line, a ``ready`` flag and deferred first computation.

    ``launch()`` is the last thing an app notebook calls. In a kernel started for a request,
    the first (expensive) computation waits until the page has drawn the app, so the page
    appears at once and fills in; in a preheated kernel it runs immediately, before anyone is
    waiting. ``ready`` turns True, and the container gains the CSS class ``tpo-ready``, once
    the first answer is on screen.

    The widget-free part of the first computation (importing the analysis modules, reading the
    sample prospect) is :meth:`prepare`. A deferred launch runs it in a background thread at
    once, so it overlaps with the page loading its scripts and widgets instead of following
    them; :meth:`refresh` collects its value with :meth:`prepared`.

    The first answer is :meth:`refresh`: by default :meth:`show_inputs` then
    :meth:`show_answer`. An app that names its answer widgets in :attr:`answer_outputs` and
    returns an :meth:`answer_key` for its default inputs has that answer remembered across
    kernels (see :mod:`tpo_scoping.ui._answers`): a cold kernel that finds it puts it in the
    widgets at :meth:`launch`, so the page draws it with the app and the libraries load only
    afterwards; :meth:`settle` then computes it for real once :meth:`prepare` is done, or at
    once when the user changes an input first.
    """

    ready = traitlets.Bool(False)
    what = "preparing the results"
    prefetch: tuple[str, ...] = ()
    """Modules the first computation imports; :meth:`prepare` imports them."""
    with_charts = False
    """Whether the app draws charts; :meth:`prepare` then pays altair's one-off costs too."""
    answer_outputs: tuple[str, ...] = ()
    """Attributes naming the widgets that show the answer, as the answer cache keeps them."""

    def __init__(self, children: list[widgets.Widget], **kwargs: Any) -> None:
        self._preparation: Future[Any] | None = None
        self._provisional = False
        self._recalled_key: str | None = None
        self._inputs_shown = False
        self.status = MessageBox()
        self.shown = PageShown()
        super().__init__([HtmlBlock(TABLE_CSS), *children, self.status, self.shown], **kwargs)
        self.add_class("tpo-app")
        self.controls: dict[str, widgets.Widget] = getattr(self, "controls", {})
        install_server_log()

    def __repr__(self) -> str:
        # The page embeds each output's plain-text form next to the widget; keep the widget
        # tree (and its styles) out of it.
        return "tpo-scoping app"

    def refresh(self) -> None:
        """Show the first inputs (unless :meth:`launch` did) and the first answer."""
        self._show_inputs_once()
        self.show_answer()

    def show_inputs(self) -> None:
        """Put the first inputs in the fields: cheap, on the kernel's thread, no computing.

        :meth:`launch` calls it before the page fetches the widgets, so the fields arrive
        filled in and :meth:`prepare` (which may read what it chose) runs after it.
        """

    def _show_inputs_once(self) -> None:
        if self._inputs_shown:
            return
        self._inputs_shown = True
        try:
            self.show_inputs()
        except BaseException:
            self._inputs_shown = False  # the next attempt shows them again (or the failure)
            raise

    def show_answer(self) -> None:  # pragma: no cover - each app overrides it or refresh
        """Compute and show the answer for what the fields hold now (waits for prepare)."""
        raise NotImplementedError

    def answer_key(self) -> str | None:
        """The inputs the answer on screen depends on, when they are the app's defaults.

        None (the default) means the answer must not be remembered: it came from a visitor's
        link, file or typing, which never reach the disk.
        """
        return None

    def answer_state(self) -> dict[str, dict[str, str]]:
        """What :attr:`answer_outputs` show: each message's text and kind, each block's HTML."""
        state: dict[str, dict[str, str]] = {}
        for name in self.answer_outputs:
            widget = getattr(self, name)
            if isinstance(widget, MessageBox):
                state[name] = {"kind": widget.kind, "text": widget.text}
            else:
                state[name] = {"value": widget.value}
        return state

    def input_values(self) -> dict[str, Any]:
        """The values of :attr:`controls` (buttons and uploads left out), for answer keys."""

        def value(control: Any) -> Any:
            if isinstance(control, Mapping):
                return {name: value(c) for name, c in control.items()}
            if isinstance(control, (widgets.FileUpload, widgets.Button)):
                return None
            return getattr(control, "value", None)

        return {name: value(c) for name, c in self.controls.items()}

    def input_key(self) -> str:
        """:meth:`input_values` as canonical text."""
        import json

        return json.dumps(self.input_values(), sort_keys=True, default=str)

    def _remember_answer(self) -> None:
        key = self.answer_key()
        if key is None or self.status.text:
            return
        from tpo_scoping.ui import _answers

        _answers.store(type(self).__name__, key, self.answer_state())

    def _recalled_answer(self) -> dict[str, dict[str, str]] | None:
        key = self.answer_key()
        if key is None or not self.answer_outputs:
            return None
        from tpo_scoping.ui import _answers

        return _answers.load(type(self).__name__, key, like=self.answer_state())

    def settle(self) -> bool:
        """Replace a remembered answer on screen by a computed one; False if there was none.

        Runs when :meth:`prepare` is done, or earlier when the user changes an input (the
        computation then waits for the preparation). A computed answer that differs from the
        remembered one replaces it on screen and in the cache, and is logged.
        """
        if not self._provisional:
            return False
        self._provisional = False
        recalled = self.answer_state()
        try:
            self.show_answer()
        except Exception:
            log.exception("%s failed while %s", type(self).__name__, self.what)
            self.status.show(POLITE_ERROR.format(what=self.what))
            return True
        if self.answer_state() != recalled and self.answer_key() == self._recalled_key:
            log.warning("%s: the remembered first answer was out of date", type(self).__name__)
            self._remember_answer()
        return True

    def prepare(self) -> Any:
        """Widget-free work for the first :meth:`refresh`; may run in a background thread.

        It must not read or change any widget. The base imports :attr:`prefetch`; apps extend
        it to read files and run pure analyses, returning what ``refresh`` needs.
        """
        for name in self.prefetch:
            importlib.import_module(name)
        if self.with_charts:
            from tpo_scoping.charts import warm_up

            warm_up()
        return None

    def prepared(self) -> Any:
        """What :meth:`prepare` returned (raising what it raised); computed now if not started."""
        self._start_preparation(in_background=False)  # no-op once started
        assert self._preparation is not None
        return self._preparation.result()

    def _first_refresh(self, *, remember: bool = True) -> None:
        if self.ready:
            return
        try:
            self.refresh()
        except Exception:
            log.exception("%s failed while %s", type(self).__name__, self.what)
            self.status.show(POLITE_ERROR.format(what=self.what))
        finally:
            self.mark_ready()
        if remember:
            self._remember_answer()

    def _show_recalled(self) -> bool:
        """Show the remembered answer for the first inputs, if there is one (see :meth:`launch`)."""
        try:
            recalled = self._recalled_answer()
        except Exception:  # an unreadable cache only costs the shortcut
            log.exception("%s could not read its remembered answer", type(self).__name__)
            return False
        if recalled is None:
            return False
        for name, traits in recalled.items():
            widget = getattr(self, name)
            with widget.hold_trait_notifications():
                for trait, value in traits.items():
                    setattr(widget, trait, value)
        self._provisional = True
        self._recalled_key = self.answer_key()
        self.mark_ready()
        log.info("%s: showed the remembered first answer", type(self).__name__)
        return True

    def _prepare_then_settle(self) -> None:
        """Start the preparation now, and :meth:`settle` on the kernel's thread when it ends."""
        if _bench_off("prepare_thread"):
            self.settle()
            return
        self._start_preparation(in_background=True)
        assert self._preparation is not None
        loop = asyncio.get_running_loop()
        self._preparation.add_done_callback(lambda _future: loop.call_soon_threadsafe(self.settle))

    def _start_preparation(self, *, in_background: bool) -> None:
        if self._preparation is not None:
            return
        self._preparation = Future()
        if in_background:
            threading.Thread(
                target=_call_in_background,
                args=(self.prepare, self._preparation),
                name=f"prepare {type(self).__name__}",
                daemon=True,
            ).start()
        else:
            _call(self.prepare, self._preparation)

    def mark_ready(self) -> None:
        if not self.ready:
            self.ready = True
            self.add_class("tpo-ready")

    def launch(self, deferred: bool | None = None) -> None:
        """Compute the first results: now (tests, preheated kernels) or once the page shows.

        Deferred work starts when the page reports that it has drawn the app (see
        :class:`PageShown`), never on a timer. The page loads the app's widgets by asking the
        kernel for their state and gives up if the answer takes more than four seconds
        (ipywidgets' control-comm timeout), after which it shows "model not found" forever; a
        kernel busy with the first computation at that moment, as a timer allowed under load,
        broke the page. Only :meth:`prepare`, which touches no widget, runs in a thread (widget
        updates from threads proved unreliable in Voilà); it shares the interpreter lock with
        the kernel's message handling, which still answers the page within that deadline.

        The first inputs are shown here, before the page fetches the widgets. A remembered
        answer for them (deferred launches only) is shown here too, and the preparation then
        waits for the page, so it does not compete with the page's loading.
        """
        if deferred is None:
            deferred = not is_preheated()
        if deferred:
            try:
                asyncio.get_running_loop()
            except RuntimeError:
                deferred = False  # plain Python (tests): compute now
        try:
            self._show_inputs_once()
        except Exception:  # the first refresh tries again and shows the polite message
            log.exception("%s failed while showing its first inputs", type(self).__name__)
        if deferred and self._inputs_shown and self._show_recalled():
            # The page draws the remembered answer with the app; the libraries load after.
            self.shown.when_shown(self._prepare_then_settle)
            return
        if not (deferred and _bench_off("prepare_thread")):
            self._start_preparation(in_background=deferred)
        if deferred:
            self.shown.when_shown(self._first_refresh)
        else:  # a pool's kernel remembers its answer for cold kernels; plain Python does not
            self._first_refresh(remember=is_preheated())


BACKGROUND_SWITCH_INTERVAL = 0.0005
"""Seconds between the interpreter's thread switches while :meth:`AppShell.prepare` runs."""


class _QuickSwitching:
    """Short interpreter switch intervals while any background preparation runs.

    Python hands its lock to a waiting thread only every ``sys.getswitchinterval()`` (5 ms);
    the kernel's thread wakes many times to answer one message from the page, so a busy
    background thread would add those waits up. Preparations may overlap (two apps in one
    notebook); the interval is restored when the last one ends.
    """

    _lock = threading.Lock()
    _running = 0
    _saved = 0.005

    def __enter__(self) -> None:
        with self._lock:
            if _QuickSwitching._running == 0:
                _QuickSwitching._saved = sys.getswitchinterval()
                sys.setswitchinterval(min(self._saved, BACKGROUND_SWITCH_INTERVAL))
            _QuickSwitching._running += 1

    def __exit__(self, *_exc: object) -> None:
        with self._lock:
            _QuickSwitching._running -= 1
            if _QuickSwitching._running == 0:
                sys.setswitchinterval(self._saved)


def _call_in_background(fn: Callable[[], Any], future: Future[Any]) -> None:
    """:func:`_call` with quick thread switching (see :class:`_QuickSwitching`)."""
    if _bench_off("quick_switch"):
        _call(fn, future)
        return
    with _QuickSwitching():
        _call(fn, future)


def _call(fn: Callable[[], Any], future: Future[Any]) -> Future[Any]:
    """Run ``fn`` and settle ``future`` with its result or its exception."""
    try:
        future.set_result(fn())
    except BaseException as exc:  # handed to whoever waits on the future, which re-raises it
        future.set_exception(exc)
    return future


class ChartSlot(widgets.VBox):
    """One altair chart that renders offline and updates in place.

    The first chart creates an ``alt.JupyterChart`` with the vega bundle served from the
    installed packages (:func:`tpo_scoping.charts.enable_offline`); later charts replace its
    spec, which is cheaper for the page than a new widget.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.add_class("tpo-chart")
        self.widget: Any = None

    def show(self, chart: Any) -> None:
        import altair as alt

        if self.widget is None:
            from tpo_scoping.charts import enable_offline

            enable_offline()
            self.widget = alt.JupyterChart(chart)
            self.children = [self.widget]
        else:
            self.widget.chart = chart

    def clear(self) -> None:
        self.widget = None
        self.children = []
