"""Quick replies: managers keep the team's list; each reply box gets it with {lead} and {me}
filled in, for chats its writer may see."""
from sqlalchemy import select

from tests.chat_helpers import make_chat
from webapp.extensions import db
from webapp.models import QuickReply


def test_managers_keep_the_list_with_validated_fields(client, auth, manager):
    auth.login(manager)
    empty = client.post("/settings/quick-replies", data={"title": "", "text": ""})
    assert empty.status_code == 422
    assert "Give it a short title" in empty.get_data(as_text=True)
    unknown = client.post("/settings/quick-replies", data={"title": "Preço",
                                                           "text": "Oi {name}"})
    assert unknown.status_code == 422 and "Only {lead} and {me}" in unknown.get_data(
        as_text=True)
    assert client.post("/settings/quick-replies", data={
        "title": "  Preço  ", "text": "Oi {lead}, aqui é {me}. O plano custa R$ 99."}
    ).status_code == 303
    saved = db.session.scalar(select(QuickReply))
    assert saved.title == "Preço"
    listed = client.get("/settings/quick-replies").get_data(as_text=True)
    assert "/Preço" in listed and "Oi {lead}, aqui é {me}." in listed
    assert client.post(f"/settings/quick-replies/{saved.id}", data={
        "title": "Preços", "text": "Tabela: {lead}"}).status_code == 303
    db.session.refresh(saved)
    assert (saved.title, saved.text) == ("Preços", "Tabela: {lead}")
    bad_edit = client.post(f"/settings/quick-replies/{saved.id}", data={"title": "",
                                                                       "text": "x"})
    assert bad_edit.status_code == 422
    assert client.post(f"/settings/quick-replies/{saved.id}/delete").status_code == 303
    assert db.session.scalar(select(QuickReply.id)) is None


def test_the_reply_box_gets_the_list_filled_in_for_its_chat(client, auth, pre_seller,
                                                            make_user):
    db.session.add(QuickReply(title="saudacao", text="Oi {lead}! Aqui é {me}."))
    db.session.commit()
    chat = make_chat(pre_seller, name="Carla Mendes")
    auth.login(pre_seller)
    page = client.get(f"/chats/{chat.id}").get_data(as_text=True)
    assert f'data-quick-replies="/chats/{chat.id}/quick-replies"' in page
    listed = client.get(f"/chats/{chat.id}/quick-replies").get_json()
    assert [(item["title"], item["text"]) for item in listed] == [
        ("saudacao", "Oi Carla Mendes! Aqui é Paula Seller.")]
    other = make_chat(make_user())
    assert client.get(f"/chats/{other.id}/quick-replies").status_code == 404


def test_pre_sellers_cannot_change_the_list(client, auth, pre_seller):
    auth.login(pre_seller)
    assert client.get("/settings/quick-replies").status_code == 403
    assert client.post("/settings/quick-replies", data={"title": "x", "text": "y"}
                       ).status_code == 403
