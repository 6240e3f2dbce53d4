"""The template calls of the Cloud API client against a fake Graph API on a real socket."""
import pytest

from tests.webhook_helpers import FakeGraph
from webapp.whatsapp.client import CloudApiClient, TemplateCall, WhatsAppError
from webapp.whatsapp.templates import list_templates

WABA = "2049998887776"
PATH = f"/v21.0/{WABA}/message_templates"


@pytest.fixture
def graph():
    """A fake Graph API for one test."""
    with FakeGraph() as fake:
        yield fake


def _template(name, language="pt_BR", body="Olá {{1}}", status="APPROVED",
              category="UTILITY", **extra):
    components = [{"type": "BODY", "text": body}, *extra.pop("components", [])]
    return {"name": name, "language": language, "status": status, "category": category,
            "components": components, "id": f"id-{name}", **extra}


def test_listing_follows_the_pages_and_keeps_the_templates_relay_can_fill(graph):
    first = {"data": [_template("boas_vindas"), _template("retomada", body="Oi {{1}}, {{2}}")],
             "paging": {"cursors": {"before": "b1", "after": "cursor-2"},
                        "next": "https://graph.facebook.com/elsewhere?after=cursor-2"}}
    second = {"data": [
        _template("welcome", language="en_US", body="Hi!", category="MARKETING"),
        _template("with_image", components=[{"type": "HEADER", "format": "IMAGE"}]),
        _template("named", body="Oi {{first_name}}"),
        _template("otp", category="AUTHENTICATION", body="{{1}} is your code"),
        _template("url_button", components=[{"type": "BUTTONS", "buttons": [
            {"type": "URL", "url": "https://x.test/{{1}}"}]}])],
        "paging": {"cursors": {"before": "b2", "after": "cursor-3"}}}
    graph.get_answers[PATH] = [(200, first), (200, second)]
    listing = list_templates(base_url=graph.base_url, access_token="token-abc",
                             business_account_id=WABA, timeout=(1, 2))
    assert [(t.name, t.language, t.parameter_count) for t in listing.templates] == [
        ("boas_vindas", "pt_BR", 1), ("retomada", "pt_BR", 2), ("welcome", "en_US", 0)]
    assert listing.skipped == 4
    asked = [r for r in graph.requests if r["method"] == "GET"]
    assert [r["path"] for r in asked] == [PATH, PATH]  # never the `next` link's host
    assert asked[0]["headers"]["Authorization"] == "Bearer token-abc"
    assert asked[0]["query"]["fields"] == ["name,language,status,category,components"]
    assert asked[0]["query"]["status"] == ["APPROVED"]
    assert "after" not in asked[0]["query"] and asked[1]["query"]["after"] == ["cursor-2"]


def test_a_refused_listing_is_a_readable_error(graph):
    graph.get_answers[PATH] = [(401, {"error": {"message": "Invalid OAuth access token",
                                                "code": 190}})]
    with pytest.raises(WhatsAppError, match="access token") as raised:
        list_templates(base_url=graph.base_url, access_token="expired",
                       business_account_id=WABA, timeout=(1, 2))
    assert raised.value.code == 190


def _client(graph):
    return CloudApiClient(base_url=graph.base_url, phone_number_id="1098765",
                          access_token="token-abc", timeout=(1, 2))


def test_a_template_is_sent_with_its_name_language_and_body_parameters(graph):
    wamid = _client(graph).send_template(
        wa_id="5511900000001", user_id=None,
        template=TemplateCall("retomada", "pt_BR", ("Carla", "plano Pro")))
    assert wamid == "wamid.fake-1"
    sent = graph.requests[0]
    assert sent["path"] == "/v21.0/1098765/messages"
    assert sent["json"] == {
        "messaging_product": "whatsapp", "recipient_type": "individual", "to": "5511900000001",
        "type": "template", "template": {
            "name": "retomada", "language": {"code": "pt_BR"},
            "components": [{"type": "body", "parameters": [
                {"type": "text", "text": "Carla"}, {"type": "text", "text": "plano Pro"}]}]}}


def test_a_template_without_parameters_sends_no_components(graph):
    _client(graph).send_template(wa_id=None, user_id="BR.42",
                                 template=TemplateCall("welcome", "en_US"))
    sent = graph.requests[0]["json"]
    assert sent["template"] == {"name": "welcome", "language": {"code": "en_US"}}
    assert sent["recipient"] == "BR.42" and "to" not in sent


@pytest.mark.parametrize("code, words", [
    (132015, "Meta paused this template"),
    (132000, "number of values does not match"),
    (132001, "does not exist in this language"),
    (131026, "the number is not on WhatsApp"),
    (131047, "24-hour window closed"),
])
def test_meta_refusals_of_a_template_read_clearly(graph, code, words):
    graph.error(400, code, f"(#{code}) Refused", "details")
    with pytest.raises(WhatsAppError) as raised:
        _client(graph).send_template(wa_id="5511900000001", user_id=None,
                                     template=TemplateCall("retomada", "pt_BR", ("Ana",)))
    assert raised.value.code == code
    assert words in str(raised.value)
