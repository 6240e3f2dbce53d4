"""Every route, every method, as anonymous, pre-seller and manager: the server enforces roles.

The matrix is built from the app's own URL map, so a route added later is checked too; a
route whose blueprint is not classified below fails the test until someone decides who may
use it.
"""
import pytest
from werkzeug.routing import Rule

from webapp.models import MANAGER

PUBLIC, SIGNED_IN, MANAGERS, PRE_SELLERS = "public", "signed in", "managers", "pre-sellers"

# Who may use each blueprint; endpoints listed on their own win over their blueprint.
BY_BLUEPRINT = {
    "auth": SIGNED_IN, "presence": SIGNED_IN, "chats": SIGNED_IN, "inbox": PRE_SELLERS,
    "telephony": MANAGERS, "settings": MANAGERS, "api": MANAGERS,
    "webhooks": PUBLIC, "health": PUBLIC,  # the webhook checks Meta's signature instead
}
BY_ENDPOINT = {
    "auth.login": PUBLIC, "auth.logout": PUBLIC,  # signing out when signed out is harmless
    "chats.history": MANAGERS, "chats.transfer": MANAGERS, "chats.transfer_form": MANAGERS,
    "favicon": PUBLIC,  # the sign-in page shows it too
    "presence.switch": PRE_SELLERS,  # Available / Away is a pre-seller's own switch
}


def access(endpoint: str) -> str:
    """Who may use an endpoint."""
    if endpoint in BY_ENDPOINT:
        return BY_ENDPOINT[endpoint]
    blueprint = endpoint.partition(".")[0]
    assert blueprint in BY_BLUEPRINT, f"{endpoint}: decide who may use it in BY_BLUEPRINT"
    return BY_BLUEPRINT[blueprint]


def calls(app) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every route but static files; ids filled with 999."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        url = _url(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, url))
    return found


def _url(rule: Rule) -> str:
    """The rule's path with every argument set to a missing record."""
    return rule.rule.replace("<int:", "<").replace("<", "{").replace(">", "}").format(
        **{name: 999 for name in rule.arguments})


def _request(client, method, url, json_client=False):
    """One request as a browser or as an API client."""
    headers = {"Accept": "application/json"} if json_client else {}
    return client.open(url, method=method, headers=headers)


def test_every_route_is_classified(app):
    """A new blueprint without a decision fails here, not in production."""
    for endpoint, _, _ in calls(app):
        access(endpoint)


def test_anonymous_callers_are_sent_to_sign_in_or_get_401(app, client):
    """Pages redirect to sign in; the JSON API answers 401; nothing answers 500."""
    for endpoint, method, url in calls(app):
        response = _request(client, method, url)
        where = f"{method} {url}"
        assert response.status_code < 500, where
        if access(endpoint) == PUBLIC:
            continue  # open by design (the webhook answers 401 to a missing signature itself)
        if url.startswith("/api/"):
            assert response.status_code == 401, where
            assert response.is_json, where
        else:
            assert response.status_code == 302, where
            assert "/login" in response.headers["Location"], where


@pytest.mark.parametrize("role", ["pre-seller", MANAGER])
def test_signed_in_users_reach_only_their_roles_routes(app, client, auth, make_user, role):
    """The other role's routes answer 403; their own never 401/403, never 500."""
    user = make_user(role=role, email=f"{role}@matrix.test")
    forbidden = MANAGERS if role != MANAGER else PRE_SELLERS
    for endpoint, method, url in calls(app):
        if endpoint == "auth.logout":
            continue  # signing out would end the session the rest of the matrix needs
        auth.login(user)
        response = _request(client, method, url, json_client=url.startswith("/api/"))
        where = f"{role} {method} {url}"
        assert response.status_code < 500, where
        if access(endpoint) == forbidden:
            assert response.status_code == 403, where
        elif access(endpoint) != PUBLIC:
            assert response.status_code not in (401, 403), where
            assert "/login" not in response.headers.get("Location", ""), where


def test_the_api_token_pages_are_in_the_matrix_for_managers_only(app):
    """Settings → API tokens (list and revoke) are checked above like every route."""
    endpoints = {endpoint: method for endpoint, method, _ in calls(app)}
    assert endpoints.get("settings.api_tokens_page") == "GET"
    assert endpoints.get("settings.revoke_api_token") == "POST"
    assert access("settings.revoke_api_token") == access("settings.api_tokens_page") == MANAGERS
