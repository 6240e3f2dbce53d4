"""Templates' pure rules: valid templates, parameters, the final text, the lead's language."""
from datetime import UTC, datetime, timedelta

import pytest

from webapp.domain import templates as rules
from webapp.domain.quick_replies import expand


@pytest.mark.parametrize("body, count", [
    ("Hi", 0), ("Hi {{1}}", 1), ("{{1}}, {{2}} and {{1}} again", 2), ("{{ 2 }} {{1}}", 2)])
def test_a_body_takes_as_many_parameters_as_its_highest_number(body, count):
    assert rules.parameter_count(body) == count


def test_a_valid_sandbox_template_has_no_problems():
    assert rules.template_problems("welcome_back", "pt_BR", "UTILITY", "Oi {{1}}!") == {}


@pytest.mark.parametrize("field, values", [
    ("name", ("Welcome", "with space", "", "ação")),
    ("language", ("portuguese", "PT_br", "", "pt-BR")),
    ("category", ("PROMO", "")),
    ("body", ("", "   ", "Hi {{2}}", "{{1}} {{3}}", "x" * 1025)),
])
def test_each_field_is_checked(field, values):
    good = {"name": "welcome", "language": "pt_BR", "category": "MARKETING", "body": "Oi {{1}}"}
    for value in values:
        problems = rules.template_problems(**{**good, field: value})
        assert list(problems) == [field], value


def test_the_final_text_fills_every_parameter_and_keeps_empty_ones_visible():
    body = "Olá {{1}}, seu pedido {{2}} chegou. Obrigado, {{1}}!"
    assert rules.render(body, ["Ana", "123"]) == "Olá Ana, seu pedido 123 chegou. Obrigado, Ana!"
    assert rules.render(body, ["Ana"]) == "Olá Ana, seu pedido {{2}} chegou. Obrigado, Ana!"


@pytest.mark.parametrize("value, problem", [
    ("Ana", None), ("", rules.EMPTY_PARAMETER), ("  ", rules.EMPTY_PARAMETER),
    ("two\nlines", rules.UNSENDABLE), ("tab\there", rules.UNSENDABLE),
    ("five     spaces", rules.UNSENDABLE), ("nul\x00", rules.UNSENDABLE),
    ("x" * 1025, rules.LONG_PARAMETER)])
def test_values_whatsapp_would_refuse_are_refused_first(value, problem):
    assert rules.parameter_problem(value) == problem


@pytest.mark.parametrize("wa_id, language", [
    ("5511987654321", "pt_BR"), ("351912345678", "pt_PT"), ("14155550100", "en_US"),
    ("5215512345678", "es"), ("34612345678", "es"), ("8613800000000", None), (None, None)])
def test_the_lead_language_comes_from_the_country_calling_code(wa_id, language):
    assert rules.lead_language(wa_id) == language


class T:
    def __init__(self, name, language):
        self.name, self.language = name, language


def test_templates_in_the_lead_language_come_first_then_the_same_language_elsewhere():
    offered = [T("a_en", "en_US"), T("b_pt", "pt_PT"), T("c_br", "pt_BR"), T("a_br", "pt_BR")]
    ordered = rules.for_lead(offered, "pt_BR")
    assert [t.name for t in ordered] == ["a_br", "c_br", "b_pt", "a_en"]
    assert [t.name for t in rules.for_lead(offered, None)] == ["a_br", "a_en", "b_pt", "c_br"]


def test_the_account_is_read_again_every_half_hour():
    now = datetime(2026, 11, 26, 12, tzinfo=UTC)
    assert rules.refresh_due(None, now)
    assert not rules.refresh_due(now - timedelta(minutes=29), now)
    assert rules.refresh_due(now - timedelta(minutes=30), now)


def test_quick_replies_fill_in_the_lead_and_the_writer_everywhere():
    text = "Oi {lead}! Aqui é {me}. {lead}, {unknown} fica como está."
    assert expand(text, lead="Carla", me="Ana") == \
        "Oi Carla! Aqui é Ana. Carla, {unknown} fica como está."
