"""Settings → WhatsApp Business through the test client: shown, saved whole, or refused whole."""
import pytest
from sqlalchemy import select

from tests.routing_helpers import configure
from webapp.domain.settings_rules import DEFAULT_TUNABLES, LIMITS, tunable_values
from webapp.extensions import db
from webapp.models import WhatsAppSettings
from webapp.models.settings import settings_alternate_recipients, settings_distribution_groups
from webapp.services.assignment import routing_rules
from webapp.settings.forms import WhatsAppSettingsForm


@pytest.fixture
def setup(client, auth, manager, make_user, make_group):
    """A signed-in manager, two groups, and pre-sellers to choose from."""
    ana = make_user(name="Ana Souza", email="ana@example.test")
    bruno = make_user(name="Bruno Lima", email="bruno@example.test")
    north, south = make_group("North", [ana]), make_group("South", [bruno])
    auth.login(manager)
    return ana, bruno, north, south


def form(**changes) -> dict:
    """A complete, valid submission; `changes` override fields."""
    data = {"mode": "online", **{name: "" if value is None else str(value) for name, value
                                 in tunable_values(DEFAULT_TUNABLES).items()}}
    data.update(changes)
    return data


def stored():
    """What the database holds now, associations included."""
    db.session.expire_all()
    settings = db.session.get(WhatsAppSettings, 1)
    groups = set(db.session.scalars(select(settings_distribution_groups.c.group_id)))
    alternates = set(db.session.scalars(select(settings_alternate_recipients.c.user_id)))
    return (settings.distribution_mode, groups, alternates, settings.offline_transfer_enabled,
            settings.offline_transfer_group_id, settings.activity_window_minutes,
            settings.presence_timeout_seconds, settings.offline_grace_seconds)


def test_the_page_shows_the_specs_wording_and_every_choice(client, setup):
    page = client.get("/settings/whatsapp").get_data(as_text=True)
    assert "Distribute to online pre-sellers</label>" in page
    assert "Distribute to online pre-sellers of selected group(s)</label>" in page
    assert "Alternate new chat recipients" in page and "Offline parent chat transfer" in page
    assert "Ana Souza &lt;ana@example.test&gt;" in page  # alternates by name and e-mail
    assert '<input checked id="mode-0" name="mode" required type="radio" value="online">' in page


def test_group_mode_with_two_groups_alternates_and_transfer_is_saved(client, setup):
    ana, bruno, north, south = setup
    response = client.post("/settings/whatsapp", data=form(
        mode="groups", groups=[north.id, south.id], alternates=[bruno.id],
        offline_transfer_enabled="y", offline_transfer_group=str(south.id),
        activity_window_minutes="60", presence_timeout_seconds="120",
        offline_grace_seconds="300"))
    assert response.status_code == 303
    assert stored() == ("groups", {north.id, south.id}, {bruno.id}, True, south.id, 60, 120, 300)
    page = client.get("/settings/whatsapp").get_data(as_text=True)
    assert "WhatsApp Business settings saved" in page


BEFORE = ("online", set(), set(), False, None, 120, 90, 120)


@pytest.mark.parametrize("changes, field_error", [
    ({"mode": "groups"}, "Select at least one group"),
    ({"mode": "sideways"}, "Not a valid choice"),
    ({"offline_transfer_enabled": "y"}, "Choose the group that takes over"),
    ({"activity_window_minutes": "0"}, "Enter a whole number from 5 to 1440"),
    ({"presence_timeout_seconds": "ten"}, "Not a valid integer value"),
    ({"offline_grace_seconds": ""}, "Enter a whole number."),
    ({"mode": "groups", "groups": ["9999"]}, "no longer exists"),
])
def test_bad_input_re_renders_with_the_field_error_and_saves_nothing(client, setup, changes,
                                                                      field_error):
    ana, *_ = setup
    # Valid parts of the same submission must not be half-saved either.
    response = client.post("/settings/whatsapp",
                           data=form(alternates=[ana.id], **changes))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_error in page and "Nothing was saved" in page
    assert stored() == BEFORE


def test_a_deactivated_pre_seller_cannot_be_an_alternate(client, setup, make_user):
    gone = make_user(name="Gone", active=False)
    response = client.post("/settings/whatsapp", data=form(alternates=[gone.id]))
    assert response.status_code == 422
    assert "Only active pre-sellers" in response.get_data(as_text=True)
    assert stored() == BEFORE
    assert "Gone" not in client.get("/settings/whatsapp").get_data(as_text=True)


def test_switching_back_to_online_mode_forgets_the_groups(client, setup):
    _, _, north, _ = setup
    client.post("/settings/whatsapp", data=form(mode="groups", groups=[north.id]))
    client.post("/settings/whatsapp", data=form(mode="online", groups=[north.id]))
    assert stored()[:2] == ("online", set())


def test_without_groups_the_page_says_to_create_one(client, auth, manager):
    auth.login(manager)
    page = client.get("/settings/whatsapp").get_data(as_text=True)
    assert "No groups yet" in page and 'href="/settings/groups"' in page


def test_pre_sellers_get_403_and_anonymous_users_sign_in(client, auth, pre_seller):
    assert client.get("/settings/whatsapp").status_code == 302
    auth.login(pre_seller)
    assert client.get("/settings/whatsapp").status_code == 403
    assert client.post("/settings/whatsapp", data=form(mode="groups")).status_code == 403
    assert stored() == BEFORE


def test_the_page_shows_what_is_stored_within_the_domains_bounds(client, setup):
    _, bruno, north, south = setup
    top = {name: bounds[1] for name, bounds in LIMITS.items()}
    client.post("/settings/whatsapp", data=form(
        mode="groups", groups=[north.id], alternates=[bruno.id],
        offline_transfer_enabled="y", offline_transfer_group=str(south.id),
        **{name: str(value) for name, value in top.items()}))
    page = client.get("/settings/whatsapp").get_data(as_text=True)
    assert f'<option selected value="{south.id}">South</option>' in page
    assert f'checked id="groups-0" name="groups" type="checkbox" value="{north.id}"' in page
    for name, (lowest, highest) in LIMITS.items():
        assert (f'<input id="{name}" max="{highest}" min="{lowest}" name="{name}" required '
                f'type="number" value="{highest}">') in page


@pytest.mark.parametrize("name", LIMITS)
def test_each_tunable_is_a_column_a_form_field_and_a_routing_rule(app, name):
    lowest, highest = LIMITS[name]
    assert WhatsAppSettings.__table__.c[name].default.arg == getattr(DEFAULT_TUNABLES, name)
    with app.test_request_context():
        field = WhatsAppSettingsForm()[name]
    assert (field.flags.min, field.flags.max) == (lowest, highest)
    assert f"(default {getattr(DEFAULT_TUNABLES, name)})" in field.description
    configure(**{name: highest})
    assert getattr(routing_rules(), name) == highest
