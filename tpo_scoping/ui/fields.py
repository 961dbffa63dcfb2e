"""Input fields that read what people type and explain bad input next to the field.

* :func:`parse_number` / :class:`NumberField`: numbers with thousands separators and percentages;
  a wrong entry keeps the last good value and says why beside the field, never clamps silently;
* :func:`parse_country` / :class:`CountryField`: an ISO code, or a country's name converted to
  its code where the name is unambiguous ("Colombia" is CO).

Number inputs carry the class ``tpo-number``; the page template gives them ``inputmode`` so a
phone opens its number pad.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import traitlets
from ipywidgets.widgets.widget_string import TextStyle  # not exported at top level

from tpo_scoping.ui.html import HtmlBlock, shared_model
from tpo_scoping.ui.messages import MessageBox

if TYPE_CHECKING:
    from tpo_scoping.assumptions import Assumption


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
    _check_range(value, label=label, minimum=minimum, maximum=maximum, percent=percent)
    return value


def _check_range(
    value: float, *, label: str, minimum: float | None, maximum: float | None, percent: bool
) -> None:
    unit, scale = ("%", 100.0) if percent else ("", 1.0)
    if minimum is not None and value < minimum:
        raise ValueError(f"{label}: must be at least {minimum * scale:,.10g}{unit}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{label}: must be at most {maximum * scale:,.10g}{unit}")


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


def field_caption(label: str, unit: str = "", help: str = "") -> HtmlBlock:
    """The label above a field, with its unit in muted type."""
    suffix = f' <span style="color:#667">({html.escape(unit)})</span>' if unit else ""
    return HtmlBlock(
        f'<span style="font-size:13px">{html.escape(label)}{suffix}</span>', tooltip=help or None
    )


def text_input(value: str = "", *, width: str, placeholder: str = "", help: str = "") -> Any:
    """A text box that commits on Enter or when it loses focus, never on every key."""
    return widgets.Text(
        value=value,
        placeholder=placeholder,
        continuous_update=False,
        layout=shared_model(widgets.Layout, width=width),
        style=shared_model(TextStyle),
        tooltip=help or None,
    )


class NumberField(widgets.VBox):
    """A labelled numeric input that validates on commit and explains bad input beside it.

    ``value`` holds the last valid number (a fraction for percentages); ``valid`` is False while
    the text on screen cannot be used, and ``filled`` False while the field is empty. A field
    created with ``value=None`` starts empty and says nothing while it stays empty (a new row
    not yet filled in); any other field asks for a number when emptied. Typing never
    triggers work: the field commits on Enter or when it loses focus. ``caption=False`` leaves
    the label off the screen for fields in a table whose column header names them; messages
    still use it.
    """

    value = traitlets.Float(0.0)
    valid = traitlets.Bool(True)
    filled = traitlets.Bool(True)
    error = traitlets.Unicode("")

    def __init__(
        self,
        label: str,
        value: float | None,
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
        self._starts_blank = value is None
        self.minimum, self.maximum = minimum, maximum
        self.integer, self.percent = integer, percent
        shown = "" if value is None else format_number(value, integer=integer, percent=percent)
        self.text = text_input(shown, width=width, help=help)
        self.text.add_class("tpo-number")
        self.message = MessageBox()
        children: list[widgets.Widget] = [self.text, self.message]
        if caption:
            children.insert(0, field_caption(label, "%" if percent else unit, help))
        else:  # a column header names it (rows of a table); messages still use the label
            self.text.placeholder = label
        super().__init__(children)
        self.add_class("tpo-field")
        if value is None:
            self.filled = self.valid = False
        else:
            self.value = float(value)
        self.text.observe(self._on_text, names="value")

    def parse(self, text: str) -> float:
        """``text`` read by this field's rules, or ``ValueError`` naming the field."""
        return parse_number(
            text,
            label=self.label,
            minimum=self.minimum,
            maximum=self.maximum,
            integer=self.integer,
            percent=self.percent,
        )

    def _on_text(self, change: Mapping[str, Any]) -> None:
        try:
            number = self.parse(change["new"])
        except ValueError as exc:
            with self.hold_trait_notifications():
                self.error = str(exc)
                self.valid = False
                self.filled = bool(str(change["new"]).strip())
            self.message.show(str(exc) if self.filled or not self._starts_blank else "")
            return
        self.message.clear()
        with self.hold_trait_notifications():
            self.error = ""
            self.valid = self.filled = True
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


def assumption_field(default: Assumption, label: str = "", width: str = "110px") -> NumberField:
    """A field for one cost assumption: its default filled in, its source in the help, and
    the hard bounds the profile enforces (a value outside them is refused beside the field)."""
    return NumberField(
        label or default.description or default.name.replace("_", " "),
        default.value,
        minimum=default.min_value,
        maximum=default.max_value,
        unit=default.unit,
        help=f"default {default.value:g} {default.unit}; source: {default.source}",
        width=width,
    )


def parse_country(text: str) -> tuple[str, str]:
    """An ISO 3166-1 alpha-2 code from a code or a country's name, and a note when converted.

    Raises ``ValueError`` with a message in words when the text names no country, or several.

    Examples
    --------
    >>> parse_country(" co "), parse_country("Colombia")
    (('CO', ''), ('CO', 'Colombia is CO'))
    >>> parse_country("Korea")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: Country: 'Korea' could be KP (...) or KR (Korea, Republic of); type the ...
    """
    import pycountry

    raw = (text or "").strip()
    if not raw:
        raise ValueError("Country: enter a two-letter code such as CO for Colombia")
    if len(raw) <= 60:
        try:
            found = pycountry.countries.lookup(raw)
        except LookupError:
            found = None
        if found is not None:
            code = str(found.alpha_2)
            note = "" if raw.upper() == code else f"{_short(raw)} is {code}"
            return code, note
        if len(raw) > 3:
            try:
                matches = pycountry.countries.search_fuzzy(raw)
            except LookupError:
                matches = []
            if len(matches) == 1:
                return str(matches[0].alpha_2), f"{_short(raw)} is {matches[0].alpha_2}"
            if 1 < len(matches) <= 4:
                options = " or ".join(f"{m.alpha_2} ({m.name})" for m in matches)
                raise ValueError(
                    f"Country: '{_short(raw)}' could be {options}; type the two-letter code"
                )
    raise ValueError(
        f"Country: '{_short(raw)}' is not a country we know; use a two-letter code "
        "such as CO for Colombia"
    )


class CountryField(widgets.VBox):
    """A country box that accepts a code or a name and shows the code it settled on.

    ``value`` is the ISO code in use ('' while empty or wrong); a name is replaced by its code
    in the box, with a note saying so; a wrong entry gets a message under the box.
    """

    value = traitlets.Unicode("")
    valid = traitlets.Bool(True)
    error = traitlets.Unicode("")

    def __init__(self, value: str = "", *, width: str = "60px", label: str = "Country") -> None:
        self.label = label
        self._converting = False
        self.text = text_input(value, width=width, placeholder="PH")
        self.message = MessageBox()
        super().__init__([self.text, self.message], layout=shared_model(widgets.Layout))
        self.add_class("tpo-field")
        self.add_class("tpo-country")
        self.text.observe(self._on_text, names="value")
        self._on_text({"new": value}, quiet=True)

    def _on_text(self, change: Mapping[str, Any], quiet: bool = False) -> None:
        text = str(change["new"])
        if not text.strip():
            with self.hold_trait_notifications():
                self.error, self.valid, self.value = "", False, ""
            self.message.clear()
            return
        try:
            code, note = parse_country(text)
        except ValueError as exc:
            with self.hold_trait_notifications():
                self.error, self.valid = str(exc), False
            self.message.show(str(exc))
            return
        with self.hold_trait_notifications():
            self.error, self.valid, self.value = "", True, code
        if note and not quiet:
            self.message.show(note, "info")
        elif not self._converting:
            self.message.clear()
        if self.text.value != code:
            self._converting = True  # the box shows the code; the note stays
            try:
                self.text.value = code
            finally:
                self._converting = False

    def type(self, text: str) -> None:
        """Simulate typing ``text`` and committing it (for tests)."""
        self.text.value = text
