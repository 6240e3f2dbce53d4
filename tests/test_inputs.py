"""The rules for what people type (pure), and that every form and URL follows them."""
import pytest
from flask_wtf import FlaskForm
from werkzeug.routing import IntegerConverter

from webapp.domain.inputs import (
    MAX_ID,
    has_control_characters,
    name_key,
    normalize_name,
    parse_id,
    parse_whole_number,
    password_problem,
)
from webapp.domain.limits import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH
from webapp.forms import RelayForm


@pytest.mark.parametrize("raw, expected", [
    ("1", 1), ("42", 42), (str(MAX_ID), MAX_ID), (str(MAX_ID + 1), None), (str(10**30), None),
    ("0", None), ("-1", None), ("", None), (None, None), ("²", None), ("٣", None),
    ("1e3", None), (" 7", None), ("7\x00", None),
])
def test_ids_are_ascii_digits_within_the_databases_range(raw, expected):
    assert parse_id(raw) == expected


def test_whole_numbers_stay_within_their_bounds():
    assert parse_whole_number("5", 1, 10) == 5
    assert [parse_whole_number(raw, 1, 10) for raw in ("0", "11", "9" * 5000, "x")] == \
        [None] * 4


@pytest.mark.parametrize("text, multiline, expected", [
    ("plain", False, False), ("Olá, ação 👍", False, False), ("a\x00b", False, True),
    ("a\x1bb", False, True), ("a\nb", False, True), ("a\r\nb\tc", True, False),
    ("a\x00b", True, True), ("a\x7fb", True, True), ("a\x85b", True, True),
])
def test_control_characters(text, multiline, expected):
    assert has_control_characters(text, multiline=multiline) is expected


@pytest.mark.parametrize("typed, stored", [
    ("  Team   North ", "Team North"), ("Ｎｏｒｔｈ", "North"), ("Nor\u200bth", "North"),
    ("\ufeffSul\u200d", "Sul"), ("São\u00a0Paulo", "São Paulo"), ("\u3000 \u200b", ""),
    ("Cafe\u0301", "Café"),  # combining accent composed
])
def test_names_are_normalized_once(typed, stored):
    assert normalize_name(typed) == stored


def test_names_compare_without_case_width_or_invisible_characters():
    assert name_key("ÉQUIPE Ｎorte") == name_key("équipe\u200b norte")
    assert name_key("North") != name_key("South")


@pytest.mark.parametrize("password, problem", [
    ("long enough", None), ("x" * 200, None), ("        ", "not only spaces"),
    ("\t \u3000      ", "not only spaces"), ("short", "at least 8"),
    ("x" * 201, "at most 200"), (None, "not only spaces"),
])
def test_password_rules(password, problem):
    found = password_problem(password)  # a message for the page, which fills in the bounds
    assert (found is None) if problem is None else \
        (problem in found % {"min": PASSWORD_MIN_LENGTH, "max": PASSWORD_MAX_LENGTH})


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def test_every_form_of_the_app_refuses_control_characters(app):
    forms = [form for form in _all_subclasses(FlaskForm)
             if form.__module__.startswith("webapp.") and form is not RelayForm]
    assert len(forms) >= 8
    assert [form.__qualname__ for form in forms if not issubclass(form, RelayForm)] == []


def test_every_int_url_part_is_bounded(app):
    bounds = {(rule.rule, name): converter.max for rule in app.url_map.iter_rules()
              for name, converter in rule._converters.items()
              if isinstance(converter, IntegerConverter)}
    assert len(bounds) >= 10
    assert {key: bound for key, bound in bounds.items() if bound != MAX_ID} == {}
