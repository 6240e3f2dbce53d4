"""The next-chat preview on Settings → WhatsApp Business: the real decision, read-only, for
the saved settings and for the form's unsaved ones; and the new settings saved whole."""
import re
from html import unescape

import pytest
from sqlalchemy import func, select

from tests.routing_helpers import busy, configure
from webapp.domain.settings_rules import DEFAULT_TUNABLES, tunable_values
from webapp.extensions import db
from webapp.models import RoutingDecision, User, WhatsAppSettings


@pytest.fixture
def setup(client, auth, manager, make_user, make_group):
    """Ana (online, idle) and Bruno (online, in North) and a signed-in manager."""
    ana = make_user(name="Ana Souza", online=True)
    bruno = make_user(name="Bruno Lima", online=True)
    busy(bruno, 2, minutes_ago=5)
    north = make_group("North", [bruno])
    auth.login(manager)
    return ana, bruno, north


def form(**changes) -> dict:
    """The page's form as it would be sent, with `changes`."""
    data = {"mode": "online", **{name: "" if value is None else str(value) for name, value
                                 in tunable_values(DEFAULT_TUNABLES).items()}}
    return data | changes


def text(response) -> str:
    """The words of a page or fragment, tags and spacing aside."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def test_the_page_says_who_would_get_the_next_chat_and_why(client, setup):
    page = text(client.get("/settings/whatsapp"))
    assert ("Next chat If a new lead wrote now, Ana Souza would get it — 2 online pre-sellers "
            "eligible; Ana Souza had the fewest chats in activity (0).") in page
    assert 'hx-get="/settings/whatsapp/next-chat"' in client.get(
        "/settings/whatsapp").get_data(as_text=True)


def test_it_follows_unsaved_choices_and_writes_nothing(client, setup):
    _, bruno, north = setup
    before = db.session.scalar(select(func.count()).select_from(RoutingDecision))
    preview = text(client.get("/settings/whatsapp/next-chat",
                              query_string=form(mode="groups", groups=str(north.id))))
    assert preview.startswith("With these settings (not saved yet): If a new lead wrote now, "
                              "Bruno Lima would get it — 1 online pre-seller in North eligible")
    assert db.session.scalar(select(func.count()).select_from(RoutingDecision)) == before
    assert db.session.get(User, bruno.id).last_assigned_at is None
    assert db.session.get(WhatsAppSettings, 1).distribution_mode == "online"
    saved_again = text(client.get("/settings/whatsapp/next-chat", query_string=form()))
    assert saved_again.startswith("If a new lead wrote now, Ana Souza would get it")


def test_an_unsaved_limit_moves_the_next_chat(client, setup):
    ana, *_ = setup
    busy(ana, 1, minutes_ago=300)  # one open chat, not in activity: Ana still wins
    preview = text(client.get("/settings/whatsapp/next-chat",
                              query_string=form(max_open_chats="1")))
    assert "With these settings (not saved yet)" in preview and "Ana" not in preview.split(
        "would get it")[0]
    assert "nobody would get it: Every online pre-seller is at their limit" in preview


def test_a_form_with_a_mistake_previews_the_saved_settings(client, setup):
    preview = text(client.get("/settings/whatsapp/next-chat",
                              query_string=form(activity_window_minutes="soon")))
    assert preview.startswith("The form has a mistake, so with the saved settings: If a new "
                              "lead wrote now, Ana Souza would get it")


def test_with_nobody_to_take_it_the_preview_says_the_chat_would_wait(client, manager, auth):
    auth.login(manager)
    preview = text(client.get("/settings/whatsapp/next-chat"))
    assert preview == ("If a new lead wrote now, nobody would get it: No online pre-seller is "
                       "available and there is no active alternate recipient; the chat waits "
                       "for a manager.")


def test_the_workload_settings_are_saved_and_checked(client, setup):
    response = client.post("/settings/whatsapp", data=form(
        max_open_chats="8", give_waiting_chats="", reassign_unanswered_minutes="30"))
    assert response.status_code == 303
    settings = db.session.get(WhatsAppSettings, 1)
    db.session.refresh(settings)
    assert (settings.max_open_chats, settings.give_waiting_chats,
            settings.reassign_unanswered_minutes) == (8, False, 30)
    refused = client.post("/settings/whatsapp", data=form(reassign_unanswered_minutes="241"))
    assert refused.status_code == 422
    assert "Enter a whole number from 1 to 240" in refused.get_data(as_text=True)
    cleared = client.post("/settings/whatsapp", data=form(give_waiting_chats="y"))
    assert cleared.status_code == 303
    db.session.refresh(settings)
    assert (settings.max_open_chats, settings.give_waiting_chats,
            settings.reassign_unanswered_minutes) == (None, True, None)


def test_the_page_lists_the_workload_settings_with_what_empty_means(client, setup):
    page = client.get("/settings/whatsapp").get_data(as_text=True)
    assert "Maximum open chats per pre-seller" in page and "(empty: no limit)" in page
    assert "Give waiting chats to pre-sellers as they become available" in page
    assert "(on by default)" in page and "(empty: off)" in page
    assert 'id="give_waiting_chats" name="give_waiting_chats" type="checkbox"' in page


def test_a_pre_sellers_own_maximum_is_set_on_the_users_page(client, setup):
    ana, *_ = setup
    configure(max_open_chats=8)
    page = client.get("/settings/users").get_data(as_text=True)
    assert 'placeholder="Team: 8"' in page and f'id="limit-{ana.id}"' in page
    client.post(f"/settings/users/{ana.id}/limit", data={"max_open_chats": "3"})
    assert db.session.get(User, ana.id).max_open_chats == 3
    assert "Ana Souza may now hold up to 3 open chats." in client.get(
        "/settings/users").get_data(as_text=True)
    client.post(f"/settings/users/{ana.id}/limit", data={"max_open_chats": "0"})
    assert "Enter a whole number from 1 to 500" in client.get(
        "/settings/users").get_data(as_text=True)
    client.post(f"/settings/users/{ana.id}/limit", data={"max_open_chats": ""})
    db.session.expire_all()
    assert db.session.get(User, ana.id).max_open_chats is None


def test_a_manager_has_no_maximum_of_open_chats(client, setup, manager):
    client.post(f"/settings/users/{manager.id}/limit", data={"max_open_chats": "3"})
    assert "Only pre-sellers receive chats" in client.get("/settings/users").get_data(
        as_text=True)
    assert db.session.get(User, manager.id).max_open_chats is None
