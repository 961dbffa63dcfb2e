"""Fields that read what people type: numbers, percentages, countries by code or by name."""

from __future__ import annotations

import pycountry
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tpo_scoping.ui.fields import CountryField, NumberField, parse_country, parse_number


@pytest.mark.parametrize(
    ("text", "kwargs", "expected"),
    [
        ("42", {}, 42.0),
        (" 1,250 ", {"integer": True}, 1250.0),
        ("30", {"percent": True}, 0.30),
        ("12.5%", {"percent": True}, 0.125),
        ("-3", {}, -3.0),
    ],
)
def test_parse_number_accepts_what_people_type(text: str, kwargs: dict, expected: float) -> None:
    assert parse_number(text, label="x", **kwargs) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("text", "kwargs", "fragment"),
    [
        ("", {}, "enter a number"),
        ("abc", {}, "is not a number"),
        ("<script>alert(1)</script>", {}, "is not a number"),
        ("nan", {}, "finite"),
        ("inf", {}, "finite"),
        ("1e400", {}, "finite"),
        ("2.5", {"integer": True}, "whole number"),
        ("0", {"minimum": 1}, "at least 1"),
        ("5000000", {"maximum": 100000}, "at most 100,000"),
        ("150", {"percent": True, "maximum": 1.0}, "at most 100%"),
        ("9" * 40, {}, "not a number we can use"),
    ],
)
def test_parse_number_explains_bad_input(text: str, kwargs: dict, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment) as info:
        parse_number(text, label="Team size", **kwargs)
    assert str(info.value).startswith("Team size:")


@given(st.text(max_size=60))
def test_parse_number_never_fails_other_than_valueerror(text: str) -> None:
    try:
        value = parse_number(text, label="x", minimum=0, maximum=1e6)
    except ValueError:
        return
    assert 0 <= value <= 1e6


def test_number_field_keeps_last_valid_value_and_shows_message() -> None:
    field = NumberField("Team size", 50, minimum=1, maximum=100_000, integer=True)
    seen = []
    field.observe(lambda c: seen.append(c["new"]), names="value")
    field.type("80")
    assert field.value == 80 and field.valid and field.message.text == ""
    field.type("eighty")
    assert field.value == 80 and not field.valid
    assert "Team size" in field.message.text and "not a number" in field.message.text
    assert "eighty" in field.message.value and "<script" not in field.message.value
    field.type("<script>x</script>")
    assert "&lt;script&gt;" in field.message.value
    field.type("120")
    assert field.valid and field.message.text == "" and seen == [80.0, 120.0]


def test_number_field_percent_round_trip() -> None:
    field = NumberField("Attrition", 0.3, minimum=0, maximum=1.5, percent=True)
    assert field.text.value == "30"
    field.type("45")
    assert field.value == pytest.approx(0.45)
    field.set(0.125)
    assert field.text.value == "12.5" and field.value == pytest.approx(0.125)


def test_an_empty_field_waits_without_a_message() -> None:
    field = NumberField("FTE", None, minimum=1, integer=True, caption=False)
    assert field.text.value == "" and not field.filled and not field.valid
    assert field.message.text == ""
    field.type("12")
    assert field.filled and field.valid and field.value == 12
    field.type("")
    assert not field.filled and field.message.text == ""


def test_a_field_without_caption_still_names_itself_in_messages() -> None:
    """Table rows (the sites) show no caption above each field; the column header names it."""
    field = NumberField("FTE", 10, minimum=1, integer=True, caption=False)
    assert list(field.children) == [field.text, field.message]
    assert field.text.placeholder == "FTE"
    field.text.value = "-4"
    assert not field.valid and field.value == 10
    assert field.error.startswith("FTE") and "at least 1" in field.error


def test_number_inputs_are_marked_for_the_number_pad() -> None:
    """The page template gives inputs of class tpo-number ``inputmode="decimal"``."""
    assert "tpo-number" in NumberField("x", 1).text._dom_classes


@pytest.mark.parametrize(
    ("text", "code"),
    [("CO", "CO"), (" ph ", "PH"), ("Colombia", "CO"), ("philippines", "PH"), ("IND", "IN")],
)
def test_countries_are_read_by_code_or_name(text: str, code: str) -> None:
    assert parse_country(text)[0] == code
    assert pycountry.countries.get(alpha_2=code) is not None  # a real ISO code


def test_a_converted_name_says_so_and_a_code_does_not() -> None:
    assert parse_country("Colombia") == ("CO", "Colombia is CO")
    assert parse_country("co") == ("CO", "")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("XX", "use a two-letter code such as CO for Colombia"),
        ("", "enter a two-letter code"),
        ("Korea", "could be KP"),
        ("<img src=x>", "not a country"),
    ],
)
def test_countries_that_are_not_clear_get_a_message_in_words(text: str, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment) as info:
        parse_country(text)
    assert str(info.value).startswith("Country:")


def test_country_field_converts_a_name_and_keeps_the_note() -> None:
    field = CountryField("PH")
    assert field.value == "PH" and field.valid and field.message.text == ""
    field.type("Colombia")
    assert field.text.value == "CO" and field.value == "CO" and field.valid
    assert field.message.text == "Colombia is CO" and field.message.kind == "info"
    field.type("Atlantis")
    assert not field.valid and field.value == "CO"
    assert "two-letter code such as CO for Colombia" in field.message.text
