"""The response window on screen: the server's words now and at each change ahead (the page
only swaps them in), and the polls that render them again before they run out."""
import re
from datetime import UTC, datetime, timedelta

import pytest

from tests.chat_helpers import make_chat
from webapp.chats import presenters
from webapp.chats.presenters import WINDOW_RERENDER, poll_is_current, poll_token, window_view

NOW = datetime(2024, 5, 6, 12, 0, 0, 250_000, tzinfo=UTC)


def shown_at(view, seconds: int) -> tuple[str, str]:
    """What a page shows `seconds` after it received the view: the last step due."""
    due = [step for step in view.steps if step[0] <= seconds]
    return tuple(due[-1][1:]) if due else (view.text, view.urgency)


def rendered(left: timedelta) -> tuple[str, str]:
    """What the server renders for this much time left."""
    return presenters.window_text(left), presenters.window_urgency(left)


@pytest.mark.parametrize("left", [
    timedelta(hours=23, minutes=59, seconds=59, microseconds=900_000),
    timedelta(hours=2, seconds=30), timedelta(hours=2), timedelta(minutes=15, seconds=20),
    timedelta(minutes=2, seconds=5, microseconds=1), timedelta(seconds=61),
    timedelta(seconds=60), timedelta(seconds=45, microseconds=500_000), timedelta(seconds=3),
])
def test_every_second_ahead_shows_what_the_server_would_render_then(left):
    view = window_view(NOW + left, NOW)
    assert (view.text, view.urgency) == rendered(left)
    for second in range(int(presenters.WINDOW_STEPS_AHEAD.total_seconds()) + 1):
        later = max(left - timedelta(seconds=second), timedelta(0))
        # Whole-second steps show a change at most one second late, never early.
        expected = {rendered(later), rendered(later + timedelta(seconds=1))}
        assert shown_at(view, second) in expected, second


def test_steps_are_few_far_from_the_end_and_end_closed():
    far = window_view(NOW + timedelta(hours=23, minutes=5, seconds=30), NOW)
    assert far.steps == [(31, "23 h 4 min left", "ok")]
    ending = window_view(NOW + timedelta(seconds=4), NOW)
    assert ending.steps[-1] == (4, "Window closed", "closed")
    assert window_view(NOW - timedelta(seconds=1), NOW).steps == []


def test_the_words_turn_amber_then_red_at_the_servers_thresholds():
    assert window_view(NOW + timedelta(hours=2, seconds=10), NOW).steps[0][2] == "soon"
    assert window_view(NOW + timedelta(minutes=15, seconds=10), NOW).steps[0][2] == "urgent"


def test_a_polled_copy_is_current_until_it_changes_or_its_words_run_out():
    token = poll_token("abc", NOW)
    assert poll_is_current(token, "abc", NOW + WINDOW_RERENDER - timedelta(seconds=1))
    assert not poll_is_current(token, "abc", NOW + WINDOW_RERENDER)
    assert not poll_is_current(token, "other", NOW)
    assert not poll_is_current("abc", "abc", NOW)
    assert not poll_is_current(None, "abc", NOW)


def _poll_url(html: str, path: str) -> str:
    """The hx-get a polled list sends back."""
    url = re.search(rf'hx-get="({re.escape(path)}\?fp=[^"]+)"', html).group(1)
    return url.replace("&amp;", "&")


def test_the_inbox_list_renders_again_once_its_copy_is_a_minute_old(client, auth, pre_seller,
                                                                      monkeypatch):
    make_chat(pre_seller, window_left=timedelta(hours=3))
    auth.login(pre_seller)
    poll = _poll_url(client.get("/inbox").get_data(as_text=True), "/inbox/chats")
    assert client.get(poll).status_code == 204
    _shift_clock(monkeypatch, "webapp.inbox.routes", WINDOW_RERENDER)
    again = client.get(poll)
    assert again.status_code == 200 and "data-window-steps=" in again.get_data(as_text=True)


def test_the_managers_list_renders_again_once_its_copy_is_a_minute_old(client, auth, manager,
                                                                        pre_seller, monkeypatch):
    make_chat(pre_seller, window_left=timedelta(hours=3))
    auth.login(manager)
    poll = _poll_url(client.get("/telephony/chats").get_data(as_text=True),
                     "/telephony/chats/rows")
    assert client.get(poll).status_code == 204
    _shift_clock(monkeypatch, "webapp.telephony.routes", WINDOW_RERENDER)
    assert client.get(poll).status_code == 200


def _shift_clock(monkeypatch, module: str, by: timedelta) -> None:
    """The module's clock runs `by` ahead."""
    from webapp.db import utcnow
    monkeypatch.setattr(f"{module}.utcnow", lambda: utcnow() + by)


def test_the_conversations_window_polls_itself_and_only_for_who_may_see_it(
        client, auth, pre_seller, make_user):
    chat = make_chat(pre_seller, window_left=timedelta(hours=3, minutes=30))
    auth.login(pre_seller)
    page = client.get(f"/chats/{chat.id}").get_data(as_text=True)
    start = page.index('id="conv-head"')
    head = page[start:page.index("</header>", start)]
    assert f'hx-get="/chats/{chat.id}/window"' in head
    window = client.get(f"/chats/{chat.id}/window").get_data(as_text=True)
    assert re.search(r"3 h (29|30) min left", window)
    assert f'hx-get="/chats/{chat.id}/window"' in window
    other = make_user(email="other@example.test")
    auth.logout()
    auth.login(other)
    assert client.get(f"/chats/{chat.id}/window").status_code == 404
