"""The Cloud API client against a fake Graph API on a real socket, and the sandbox."""
import socket

import pytest

from tests.webhook_helpers import FakeGraph
from webapp.whatsapp.client import CloudApiClient, SandboxClient, WhatsAppError, client_for
from webapp.whatsapp.errors import WINDOW_CLOSED


@pytest.fixture
def graph():
    """A fake Graph API for one test."""
    with FakeGraph() as fake:
        yield fake


def client(graph, timeout=(1, 2)):
    """A client pointed at the fake Graph API."""
    return CloudApiClient(base_url=graph.base_url, phone_number_id="1098765",
                          access_token="token-abc", timeout=timeout)


def test_sends_a_text_and_returns_the_wamid(graph):
    wamid = client(graph).send_text(wa_id="5511900000001", user_id=None, text="Olá!")
    assert wamid == "wamid.fake-1"
    sent = graph.requests[0]
    assert sent["path"] == "/v21.0/1098765/messages"
    assert sent["headers"]["Authorization"] == "Bearer token-abc"
    assert sent["json"] == {"messaging_product": "whatsapp", "recipient_type": "individual",
                            "to": "5511900000001", "type": "text",
                            "text": {"preview_url": False, "body": "Olá!"}}


def test_a_lead_with_a_hidden_number_is_addressed_by_user_id(graph):
    client(graph).send_text(wa_id=None, user_id="BR.1234567", text="Hi")
    assert graph.requests[0]["json"]["recipient"] == "BR.1234567"
    assert "to" not in graph.requests[0]["json"]


@pytest.mark.parametrize("status, code, expected", [
    (400, WINDOW_CLOSED, "24-hour window closed"),
    (400, 131056, "pair rate limit"),
    (429, 130429, "rate limit for this business number"),
    (401, 190, "access token"),
    (400, 999999, "Something odd: it broke (code 999999)"),
])
def test_graph_errors_become_readable(graph, status, code, expected):
    graph.error(status, code, "Something odd", "it broke")
    with pytest.raises(WhatsAppError) as raised:
        client(graph).send_text(wa_id="5511900000001", user_id=None, text="Hi")
    assert expected in str(raised.value)
    assert raised.value.code == code


def test_a_slow_api_times_out_within_the_configured_bound(graph):
    graph.delay = 3
    with pytest.raises(WhatsAppError, match="did not answer in time"):
        client(graph, timeout=(1, 0.3)).send_text(wa_id="5511900000001", user_id=None,
                                                  text="Hi")


def test_an_unreachable_api_is_a_readable_error():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    dead = CloudApiClient(base_url=f"http://127.0.0.1:{port}", phone_number_id="1",
                          access_token="t", timeout=(1, 1))
    with pytest.raises(WhatsAppError, match="Could not reach WhatsApp"):
        dead.send_text(wa_id="5511900000001", user_id=None, text="Hi")


def test_a_non_json_error_page_and_a_missing_id(graph):
    graph.answer = (502, b"<html>Bad gateway</html>")
    with pytest.raises(WhatsAppError, match="HTTP 502"):
        client(graph).send_text(wa_id="1", user_id=None, text="Hi")
    graph.answer = (200, {"messaging_product": "whatsapp"})
    with pytest.raises(WhatsAppError, match="no message id"):
        client(graph).send_text(wa_id="1", user_id=None, text="Hi")


def test_sandbox_without_an_access_token():
    sandbox = client_for({"WHATSAPP_ACCESS_TOKEN": "", "SANDBOX": True})
    assert isinstance(sandbox, SandboxClient) and sandbox.sandbox
    assert sandbox.send_text(wa_id="1", user_id=None, text="Hi").startswith("sandbox.")


def test_a_token_without_a_phone_number_id_is_refused_readably():
    with pytest.raises(WhatsAppError, match="WHATSAPP_PHONE_NUMBER_ID"):
        client_for({"WHATSAPP_ACCESS_TOKEN": "t", "SANDBOX": False,
                    "WHATSAPP_PHONE_NUMBER_ID": ""})
