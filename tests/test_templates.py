"""Templates end to end over HTTP: managers keep sandbox ones, the account's are refreshed
from Meta, and anyone who may act on a chat (even expired) sends one, recorded as facts."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.chat_helpers import make_chat
from tests.webhook_helpers import FakeGraph, routed, text_payload
from webapp.db import utcnow
from webapp.domain.codes import ChatStatus, MessageKind, MessageStatus, TemplateSource
from webapp.domain.templates import parameter_count
from webapp.extensions import db
from webapp.models import Chat, Message, MessageTemplate
from webapp.services.settings import current_settings
from webapp.services.templates import refresh_if_due

WABA = "2049998887776"


@pytest.fixture
def graph(app):
    """The app on the real Cloud API (an access token), pointed at a fake Graph API."""
    with FakeGraph() as fake:
        app.config.update(WHATSAPP_ACCESS_TOKEN="token-abc", SANDBOX=False,
                          WHATSAPP_PHONE_NUMBER_ID="1098765", WHATSAPP_BUSINESS_ACCOUNT_ID=WABA,
                          WHATSAPP_API_BASE_URL=fake.base_url, WHATSAPP_API_TIMEOUT=(1, 2))
        yield fake


def sandbox_template(name="retomada", language="pt_BR", body="Olá {{1}}, ainda quer o {{2}}?",
                     source=TemplateSource.SANDBOX) -> MessageTemplate:
    template = MessageTemplate(source=source, name=name, language=language,
                               category="UTILITY", status="APPROVED", body=body,
                               parameter_count=parameter_count(body))
    db.session.add(template)
    db.session.commit()
    return template


def expired_chat(assignee, status=ChatStatus.EXPIRED) -> Chat:
    """A chat of Carla's whose response window closed three hours ago."""
    return make_chat(assignee, name="Carla Mendes", wa_id="5511912345678", status=status,
                     window_left=-timedelta(hours=3))


def test_managers_keep_sandbox_templates_with_validated_fields(client, auth, manager):
    auth.login(manager)
    bad = client.post("/settings/whatsapp/templates", data={
        "name": "Retomada Pro", "language": "portuguese", "category": "UTILITY",
        "body": "Olá {{2}}"})
    assert bad.status_code == 422
    page = bad.get_data(as_text=True)
    assert "lowercase letters, digits and underscores" in page
    assert "language code such as pt_BR" in page
    assert "without gaps" in page
    assert db.session.scalar(select(MessageTemplate.id)) is None
    crowded = client.post("/settings/whatsapp/templates", data={
        "name": "crowded", "language": "pt_BR", "category": "UTILITY",
        "body": " ".join(f"{{{{{n}}}}}" for n in range(1, 22))})
    assert "at most 20 parameters" in crowded.get_data(as_text=True)

    good = client.post("/settings/whatsapp/templates", data={
        "name": "retomada", "language": "pt_BR", "category": "MARKETING",
        "body": "Olá {{1}}, ainda quer o {{2}}?"})
    assert good.status_code == 303
    template = db.session.scalar(select(MessageTemplate))
    assert (template.source, template.parameter_count) == (TemplateSource.SANDBOX, 2)
    listed = client.get("/settings/whatsapp/templates").get_data(as_text=True)
    assert "Olá {{1}}, ainda quer o {{2}}?" in listed and "Edit retomada" in listed
    assert "Marketing" in listed

    twin = client.post("/settings/whatsapp/templates", data={
        "name": "retomada", "language": "pt_BR", "category": "UTILITY", "body": "Oi"})
    assert twin.status_code == 422 and "exists already" in twin.get_data(as_text=True)

    edited = client.post(f"/settings/whatsapp/templates/{template.id}", data={
        "name": "retomada", "language": "pt_BR", "category": "UTILITY", "body": "Oi {{1}}"})
    assert edited.status_code == 303
    refused = client.post(f"/settings/whatsapp/templates/{template.id}", data={
        "name": "retomada", "language": "pt_BR", "category": "UTILITY", "body": ""})
    assert refused.status_code == 422
    assert f'aria-describedby="body-{template.id}-error"' in refused.get_data(as_text=True)
    db.session.refresh(template)
    assert (template.body, template.parameter_count, template.category) == \
        ("Oi {{1}}", 1, "UTILITY")
    assert client.post(f"/settings/whatsapp/templates/{template.id}/delete").status_code == 303
    assert db.session.scalar(select(MessageTemplate.id)) is None


def test_pre_sellers_cannot_touch_templates(client, auth, pre_seller):
    auth.login(pre_seller)
    assert client.get("/settings/whatsapp/templates").status_code == 403
    assert client.post("/settings/whatsapp/templates", data={"name": "x"}).status_code == 403


def test_a_manager_refreshes_the_account_templates_on_demand(client, auth, manager, graph):
    path = f"/v21.0/{WABA}/message_templates"
    graph.get_answers[path] = [(200, {"data": [
        {"name": "boas_vindas", "language": "pt_BR", "status": "APPROVED",
         "category": "MARKETING", "components": [{"type": "BODY", "text": "Oi {{1}}!"}]}]})]
    old = sandbox_template(name="gone", source=TemplateSource.CLOUD)
    auth.login(manager)
    answer = client.post("/settings/whatsapp/templates/refresh", follow_redirects=True)
    assert "Templates refreshed: 1 approved" in answer.get_data(as_text=True)
    rows = db.session.scalars(select(MessageTemplate)).all()
    assert [(t.name, t.source, t.parameter_count) for t in rows] == [
        ("boas_vindas", TemplateSource.CLOUD, 1)]
    assert db.session.get(MessageTemplate, old.id) is None
    assert current_settings().templates_refreshed_at is not None


def test_the_job_refreshes_when_due_and_says_why_not_otherwise(app, graph):
    path = f"/v21.0/{WABA}/message_templates"
    graph.get_answers[path] = [(200, {"data": []})]
    now = utcnow()
    assert refresh_if_due(now, app.config).startswith("0 templates kept")
    assert refresh_if_due(now + timedelta(minutes=5), app.config) == "templates are fresh"
    assert len([r for r in graph.requests if r["method"] == "GET"]) == 1
    app.config.update(SANDBOX=True, WHATSAPP_ACCESS_TOKEN="")
    assert "sandbox" in refresh_if_due(now + timedelta(hours=1), app.config)


def test_the_dialog_offers_the_lead_language_first_and_their_name_for_the_first_value(
        client, auth, pre_seller):
    sandbox_template(name="welcome", language="en_US", body="Hi {{1}}")
    sandbox_template()
    chat = expired_chat(pre_seller)
    auth.login(pre_seller)
    page = client.get(f"/chats/{chat.id}/template").get_data(as_text=True)
    assert page.index("retomada") < page.index("welcome")
    assert 'value="Carla Mendes"' in page
    assert "Olá Carla Mendes, ainda quer o {{2}}?" in page
    preview = client.get(f"/chats/{chat.id}/template/preview", query_string={
        "template": db.session.scalar(select(MessageTemplate.id).where(
            MessageTemplate.name == "retomada")),
        "parameters-0": "Carla", "parameters-1": "plano Pro"})
    assert "Olá Carla, ainda quer o plano Pro?" in preview.get_data(as_text=True)


def test_an_expired_chat_is_revived_with_a_template_recorded_as_facts(
        client, auth, pre_seller):
    template = sandbox_template()
    chat = expired_chat(pre_seller)
    auth.login(pre_seller)
    answer = client.post(f"/chats/{chat.id}/template", data={
        "template": template.id, "parameters-0": "Carla", "parameters-1": "plano Pro"})
    assert answer.status_code == 200
    assert "templateSent" in answer.headers["HX-Trigger"]
    sent = chat_messages(chat)[-1]
    assert (sent.type, sent.status, sent.body) == (
        MessageKind.TEMPLATE, MessageStatus.SANDBOX, "Olá Carla, ainda quer o plano Pro?")
    assert sent.details["template"] == {"name": "retomada", "language": "pt_BR",
                                        "parameters": ["Carla", "plano Pro"]}
    assert "Template retomada" in client.get(f"/chats/{chat.id}").get_data(as_text=True)

    # The lead answers: a new chat (a new window) with the same owner, by the usual rules.
    assert routed(client, text_payload(wa_id="5511912345678", name="Carla Mendes",
                                       text="Quero sim!"))[0].status_code == 200
    fresh = db.session.scalar(select(Chat).where(Chat.status == ChatStatus.OPEN))
    assert fresh.id != chat.id and fresh.assignee_id == pre_seller.id
    assert fresh.window_expires_at > utcnow() + timedelta(hours=23)


def chat_messages(chat):
    """The chat's messages as stored now."""
    db.session.expire_all()
    return db.session.scalars(select(Message).where(Message.chat_id == chat.id)
                              .order_by(Message.id)).all()


def test_values_are_checked_before_anything_is_saved(client, auth, pre_seller):
    template = sandbox_template()
    chat = expired_chat(pre_seller)
    auth.login(pre_seller)
    answer = client.post(f"/chats/{chat.id}/template", data={
        "template": template.id, "parameters-0": "Carla", "parameters-1": "two\nlines"})
    assert answer.status_code == 422
    assert "line breaks" in answer.get_data(as_text=True)
    wrong = client.post(f"/chats/{chat.id}/template", data={"template": 999999})
    assert wrong.status_code == 422
    assert chat_messages(chat) == []


def test_another_pre_sellers_chat_is_a_404(client, auth, make_user, pre_seller):
    template = sandbox_template()
    chat = expired_chat(make_user())
    auth.login(pre_seller)
    assert client.get(f"/chats/{chat.id}/template").status_code == 404
    assert client.post(f"/chats/{chat.id}/template", data={
        "template": template.id, "parameters-0": "a", "parameters-1": "b"}).status_code == 404


def test_a_manager_sends_from_any_chat(client, auth, manager, make_user):
    template = sandbox_template(body="Oi!")
    chat = expired_chat(make_user(), status=ChatStatus.CLOSED)
    auth.login(manager)
    assert client.post(f"/chats/{chat.id}/template",
                       data={"template": template.id}).status_code == 200
    assert chat_messages(chat)[-1].sender_id == manager.id


def test_a_sandbox_template_is_never_offered_with_an_access_token(client, auth, pre_seller,
                                                                    graph):
    template = sandbox_template()
    chat = expired_chat(pre_seller)
    auth.login(pre_seller)
    assert "No templates yet" in client.get(f"/chats/{chat.id}/template").get_data(
        as_text=True)
    assert client.post(f"/chats/{chat.id}/template", data={
        "template": template.id, "parameters-0": "a", "parameters-1": "b"}).status_code == 422
    assert graph.requests == []


@pytest.mark.parametrize("code, words", [
    (132015, "Meta paused this template"), (132000, "number of values does not match"),
    (131026, "not on WhatsApp")])
def test_meta_refusals_reach_the_sender_and_are_stored_as_codes(
        client, auth, pre_seller, graph, code, words):
    template = sandbox_template(source=TemplateSource.CLOUD)
    chat = expired_chat(pre_seller)
    graph.error(400, code, "Refused", "details")
    auth.login(pre_seller)
    answer = client.post(f"/chats/{chat.id}/template", data={
        "template": template.id, "parameters-0": "Carla", "parameters-1": "Pro"})
    assert answer.status_code == 422
    assert words in answer.get_data(as_text=True)
    failed = chat_messages(chat)[-1]
    assert (failed.status, failed.error_code) == (MessageStatus.FAILED, code)
    assert graph.requests[0]["json"]["type"] == "template"

    # Retry sends the same template again, though the chat has expired.
    page = client.get(f"/chats/{chat.id}").get_data(as_text=True)
    assert f"/chats/{chat.id}/messages/{failed.id}/retry" in page
    graph.answer = (200, {"messaging_product": "whatsapp", "messages": [{"id": "wamid.ok"}]})
    retried = client.post(f"/chats/{chat.id}/messages/{failed.id}/retry")
    assert retried.status_code == 200
    assert graph.requests[-1]["json"]["template"]["components"][0]["parameters"][0] == \
        {"type": "text", "text": "Carla"}
    assert chat_messages(chat)[-1].status == MessageStatus.SENT
