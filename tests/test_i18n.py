"""Languages and time zones: who reads which language, and every time in the reader's zone."""
import re
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import refresh
from flask_login import login_user

from tests.conftest import AuthActions, _test_config
from tests.routing_helpers import message
from webapp import create_app, formatting
from webapp.extensions import db
from webapp.models import MANAGER

# 02:30 UTC on the 24th is still 23:30 on the 23rd in São Paulo (UTC−3).
LATE_EVENING_IN_SAO_PAULO = datetime(2026, 11, 24, 2, 30, tzinfo=UTC)
# 03:30 UTC: just past midnight in São Paulo, the 24th there too.
JUST_AFTER_MIDNIGHT_THERE = datetime(2026, 11, 24, 3, 30, tzinfo=UTC)


def lang(html: str) -> str:
    """The page's <html lang>."""
    return html.split('<html lang="', 1)[1].split('"', 1)[0]


def selected(html: str, name: str) -> str:
    """The chosen option of a <select>."""
    menu = html.split(f'name="{name}"', 1)[1].split("</select>", 1)[0]
    return re.search(r'<option selected value="([^"]*)"', menu).group(1)


def test_before_sign_in_the_browser_chooses_the_language(client):
    portuguese = client.get("/login", headers={"Accept-Language": "pt-BR,pt;q=0.9,en;q=0.5"})
    english = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert lang(portuguese.get_data(as_text=True)) == "pt-BR"
    assert "Entrar" in portuguese.get_data(as_text=True)
    assert lang(english.get_data(as_text=True)) == "en"
    assert "Sign in" in english.get_data(as_text=True)


def test_a_browser_asking_for_no_language_we_speak_gets_the_default(client):
    html = client.get("/login", headers={"Accept-Language": "fr-FR"}).get_data(as_text=True)
    assert lang(html) == "en"  # the test configuration's DEFAULT_LOCALE


def test_the_default_language_and_zone_are_brazilian_and_come_from_the_environment(
        database_url, tmp_path, monkeypatch):
    config = _test_config(database_url, tmp_path)
    del config["DEFAULT_LOCALE"], config["DEFAULT_TIMEZONE"]
    app = create_app(config)
    assert (app.config["DEFAULT_LOCALE"], app.config["DEFAULT_TIMEZONE"]) == \
        ("pt_BR", "America/Sao_Paulo")
    monkeypatch.setenv("DEFAULT_LOCALE", "en")
    monkeypatch.setenv("DEFAULT_TIMEZONE", "Europe/Lisbon")
    app = create_app(config)
    assert (app.config["DEFAULT_LOCALE"], app.config["DEFAULT_TIMEZONE"]) == \
        ("en", "Europe/Lisbon")


def test_an_unknown_default_stops_the_app_at_start(database_url, tmp_path):
    with pytest.raises(ValueError, match="DEFAULT_LOCALE"):
        create_app({**_test_config(database_url, tmp_path), "DEFAULT_LOCALE": "xx"})
    with pytest.raises(ValueError, match="DEFAULT_TIMEZONE"):
        create_app({**_test_config(database_url, tmp_path), "DEFAULT_TIMEZONE": "Mars/Base"})


def test_a_signed_in_user_reads_their_own_language_whatever_the_browser_says(
        client, auth, pre_seller):
    pre_seller.locale = "pt_BR"
    db.session.commit()
    auth.login(pre_seller)
    html = client.get("/account", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert lang(html) == "pt-BR" and "Idioma, fuso horário e alertas" in html


def test_a_user_who_never_chose_follows_the_default_not_the_browser(client, auth, pre_seller):
    auth.login(pre_seller)
    html = client.get("/account", headers={"Accept-Language": "pt-BR"}).get_data(as_text=True)
    assert lang(html) == "en"
    assert selected(html, "locale") == "en" and selected(html, "timezone") == "UTC"


def test_the_account_page_saves_language_and_time_zone(client, auth, pre_seller):
    auth.login(pre_seller)
    response = client.post("/account", data={"locale": "pt_BR",
                                              "timezone": "America/Sao_Paulo"})
    assert response.status_code == 303
    db.session.refresh(pre_seller)
    assert (pre_seller.locale, pre_seller.timezone) == ("pt_BR", "America/Sao_Paulo")
    page = client.get("/account").get_data(as_text=True)
    assert "Suas preferências foram salvas." in page  # said in the new language
    assert selected(page, "timezone") == "America/Sao_Paulo"


def test_the_account_page_refuses_what_it_does_not_offer(client, auth, pre_seller):
    auth.login(pre_seller)
    response = client.post("/account", data={"locale": "klingon", "timezone": "Mars/Base"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Choose one of the languages listed." in html
    assert "Choose one of the time zones listed." in html
    db.session.refresh(pre_seller)
    assert (pre_seller.locale, pre_seller.timezone) == (None, None)


@contextmanager
def viewing_as(app, user):
    """A request of `user`, signed in: their language and time zone apply."""
    with app.test_request_context():
        login_user(user)
        refresh()  # the test's app context outlives each request: forget the last viewer
        yield


def test_a_time_near_midnight_belongs_to_the_day_of_the_viewers_zone(app, make_user):
    message, now = LATE_EVENING_IN_SAO_PAULO, JUST_AFTER_MIDNIGHT_THERE
    with viewing_as(app, make_user(locale="pt_BR", timezone="America/Sao_Paulo")):
        # Yesterday in São Paulo, so the date is shown.
        assert formatting.moment(message, now) == "23 de nov. 23:30"
        assert formatting.long_moment(message) == "23 de nov. de 2026 23:30"
    with viewing_as(app, make_user(locale="en", timezone="UTC")):
        # The same instant is today in UTC: the time alone.
        assert formatting.moment(message, now) == "2:30\u202fAM"
        assert formatting.long_moment(message) == "Nov 24, 2026, 2:30\u202fAM"


def test_relative_times_and_durations_speak_the_viewers_language(app, make_user):
    now = JUST_AFTER_MIDNIGHT_THERE
    with viewing_as(app, make_user(locale="pt_BR")):
        assert formatting.ago(now - timedelta(minutes=12), now) == "há 12 min."
        assert formatting.duration(timedelta(hours=23, minutes=5)) == "23 h 5 min"
    with viewing_as(app, make_user(locale="en")):
        assert formatting.ago(now - timedelta(minutes=12), now) == "12 min. ago"
        assert formatting.duration(timedelta(seconds=50)) == "50 s"


@pytest.mark.parametrize("stored, shown", [
    ("5511987654321", "+55 11 98765-4321"), ("551133334444", "+55 11 3333-4444"),
    ("14155550123", "+1 415-555-0123"), ("123", "123"), ("", "")])
def test_phone_numbers_read_in_international_format(stored, shown):
    assert formatting.phone(stored) == shown


def test_one_decision_reads_in_portuguese_for_one_manager_and_english_for_another(
        app, make_user):
    ana, bruno = make_user(name="Ana", online=True), make_user(name="Bruno", online=True)
    chat = message("5511987654321", name="Lucia", now=LATE_EVENING_IN_SAO_PAULO)
    assert chat.assignee_id == ana.id and bruno.id > ana.id
    readers = {"pt_BR": make_user(role=MANAGER, locale="pt_BR", timezone="America/Sao_Paulo"),
               "en": make_user(role=MANAGER, locale="en", timezone="UTC")}
    pages = {}
    for language, reader in readers.items():
        client = app.test_client()
        AuthActions(client).login(reader)
        pages[language] = client.get(f"/chats/{chat.id}/history").get_data(as_text=True)
    assert "Histórico da conversa com Lucia" in pages["pt_BR"]
    assert "Distribuição" in pages["pt_BR"]
    assert ("2 pré-vendedores online elegíveis; Ana e Bruno empataram com 0 conversa em "
            "atividade e nunca receberam uma nova conversa; Ana tem o menor id de usuário."
            ) in pages["pt_BR"]
    assert "23 de nov. de 2026 23:30" in pages["pt_BR"]  # the evening before, in São Paulo
    assert "History of the chat with Lucia" in pages["en"] and "Distribution" in pages["en"]
    assert ("2 online pre-sellers eligible; Ana and Bruno tied at 0 chats in activity and were "
            "never given a new chat; Ana has the lowest user id.") in pages["en"]
    assert "Nov 24, 2026, 2:30\u202fAM" in pages["en"]  # already the 24th in UTC
