"""Settings → Defaults → Groups through the test client."""
from sqlalchemy import select

from tests.chat_helpers import make_chat
from tests.routing_helpers import configure
from webapp.extensions import db
from webapp.models import Chat, Group, group_members
from webapp.models.settings import settings_distribution_groups


def names() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(Group.name).order_by(Group.name)))


def members(group_id) -> set[int]:
    return set(db.session.scalars(select(group_members.c.user_id).where(
        group_members.c.group_id == group_id)))


def test_list_shows_groups_with_members_and_an_empty_state(client, auth, manager, make_user,
                                                           make_group):
    auth.login(manager)
    assert "No groups yet" in client.get("/settings/groups").get_data(as_text=True)
    make_group("North", [make_user(name="Ana Souza")])
    page = client.get("/settings/groups").get_data(as_text=True)
    assert "North" in page and "Ana Souza" in page and "1 member" in page


def test_create_rename_delete(client, auth, manager):
    auth.login(manager)
    response = client.post("/settings/groups", data={"name": "  Team   North "})
    assert response.status_code == 303 and names() == ["Team North"]
    group_id = db.session.scalar(select(Group.id))
    assert client.post(f"/settings/groups/{group_id}/rename",
                       data={"name": "North"}).status_code == 303
    assert names() == ["North"]
    assert client.post(f"/settings/groups/{group_id}/delete").status_code == 303
    assert names() == []


def test_a_duplicate_or_empty_name_is_a_field_error(client, auth, manager, make_group):
    auth.login(manager)
    make_group("North")
    south = make_group("South")
    response = client.post("/settings/groups", data={"name": "north"})
    assert response.status_code == 422
    assert "Another group already has this name." in response.get_data(as_text=True)
    response = client.post(f"/settings/groups/{south.id}/rename", data={"name": "NORTH"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Another group already has this name." in page and 'value="NORTH"' in page
    assert client.post("/settings/groups", data={"name": " "}).status_code == 422
    assert names() == ["North", "South"]


def test_names_differing_only_by_width_or_invisible_characters_are_the_same(
        client, auth, manager, make_group):
    auth.login(manager)
    north = make_group("North")
    south = make_group("South")
    for lookalike in ("Ｎｏｒｔｈ", "Nor\u200bth", "\ufeffnorth\u200d", "Ｎ\u2060ORTH"):
        response = client.post("/settings/groups", data={"name": lookalike})
        assert response.status_code == 422, lookalike
        assert "Another group already has this name." in response.get_data(as_text=True)
        renamed = client.post(f"/settings/groups/{south.id}/rename", data={"name": lookalike})
        assert renamed.status_code == 422, lookalike
    assert client.post(f"/settings/groups/{north.id}/rename",
                       data={"name": "Ｎｏｒｔｈ"}).status_code == 303  # itself: fine
    assert client.post("/settings/groups", data={"name": "Ｅａｓｔ\u200b"}).status_code == 303
    assert names() == ["East", "North", "South"]  # stored normalized
    assert client.post("/settings/groups", data={"name": "\u200b\u3000"}).status_code == 422


def test_add_and_remove_members(client, auth, manager, make_user, make_group):
    auth.login(manager)
    ana, bruno = make_user(name="Ana"), make_user(name="Bruno")
    group = make_group("North", [ana])
    page = client.get("/settings/groups").get_data(as_text=True)
    assert f'<option value="{bruno.id}">' in page and f'<option value="{ana.id}">' not in page
    assert client.post(f"/settings/groups/{group.id}/members",
                       data={"user": bruno.id}).status_code == 303
    assert members(group.id) == {ana.id, bruno.id}
    assert client.post(f"/settings/groups/{group.id}/members/{ana.id}/remove").status_code == 303
    assert members(group.id) == {bruno.id}


def test_only_active_pre_sellers_can_be_added(client, auth, manager, make_user, make_group):
    auth.login(manager)
    group = make_group("North")
    gone = make_user(active=False)
    response = client.post(f"/settings/groups/{group.id}/members", data={"user": gone.id})
    assert response.status_code == 422
    assert "Choose an active pre-seller" in response.get_data(as_text=True)
    response = client.post(f"/settings/groups/{group.id}/members", data={"user": manager.id})
    assert response.status_code == 422
    assert members(group.id) == set()


def test_a_group_the_settings_use_is_not_deleted_and_the_manager_is_told_where(
        client, auth, manager, make_group):
    auth.login(manager)
    north, south = make_group("North"), make_group("South")
    db.session.execute(settings_distribution_groups.insert().values(settings_id=1,
                                                                     group_id=north.id))
    db.session.commit()
    configure(offline_transfer_enabled=True, offline_transfer_group_id=south.id)
    for group, where in ((north, "distributes new chats to it"),
                         (south, "offline parent chat transfer")):
        response = client.post(f"/settings/groups/{group.id}/delete", follow_redirects=True)
        page = response.get_data(as_text=True)
        assert "is still in use" in page and where in page
    assert names() == ["North", "South"]


def test_deleting_a_group_keeps_the_chats_it_delivered(client, auth, manager, make_user,
                                                       make_group):
    auth.login(manager)
    ana = make_user()
    group = make_group("North", [ana])
    chat = make_chat(ana, group=group)
    assert client.post(f"/settings/groups/{group.id}/delete").status_code == 303
    db.session.expire_all()
    kept = db.session.get(Chat, chat.id)
    assert kept is not None and kept.group_id is None and kept.assignee_id == ana.id


def test_groups_are_for_managers(client, auth, pre_seller, make_group):
    group = make_group("North")
    auth.login(pre_seller)
    assert client.get("/settings/groups").status_code == 403
    assert client.post("/settings/groups", data={"name": "Mine"}).status_code == 403
    assert client.post(f"/settings/groups/{group.id}/delete").status_code == 403
    assert names() == ["North"]


def test_an_unknown_group_is_404(client, auth, manager):
    auth.login(manager)
    assert client.post("/settings/groups/999/rename", data={"name": "X"}).status_code == 404
