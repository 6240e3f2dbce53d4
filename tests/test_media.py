"""Inbound media: the media id kept from the webhook, the background download against a fake
Graph API on a real socket (limits, retries with an injected clock), the sandbox store, and
the file served only to people who may see the chat."""
import hashlib
import mimetypes
import os
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import select

from tests.chat_helpers import make_chat
from tests.live_server import serving
from tests.webhook_helpers import FakeGraph, drain_deliveries, message_payload, routed
from webapp import jobs
from webapp.db import utcnow
from webapp.domain.codes import Direction, MediaState
from webapp.domain.media import MEDIA_KINDS, RETRY_DELAYS
from webapp.extensions import db
from webapp.models import Message, MessageMedia
from webapp.services.media import fetch_pending_media, note_media
from webapp.whatsapp.media import SandboxMedia
from webapp.whatsapp.records import MediaRef

JPEG = b"\xff\xd8\xff\xe0" + b"photo-bytes" * 50
PDF = b"%PDF-1.7 proposal"


@pytest.fixture
def graph(app):
    """The app on the real Cloud API (an access token), pointed at a fake Graph API."""
    with FakeGraph() as fake:
        app.config.update(WHATSAPP_ACCESS_TOKEN="token-abc", SANDBOX=False,
                          WHATSAPP_PHONE_NUMBER_ID="1098765",
                          WHATSAPP_API_BASE_URL=fake.base_url, WHATSAPP_API_TIMEOUT=(1, 2))
        yield fake


def serve_file(graph, media_id: str, content: bytes, mime: str, size=None) -> None:
    """The fake answers GET /{media id} with a URL on itself, and that URL with the bytes."""
    host = graph.base_url.removesuffix("/v21.0")
    graph.get_answers[f"/v21.0/{media_id}"] = [(200, {
        "messaging_product": "whatsapp", "url": f"{host}/lookaside/{media_id}",
        "mime_type": mime, "sha256": "ignored", "id": media_id,
        "file_size": str(len(content) if size is None else size)})]
    graph.get_answers[f"/lookaside/{media_id}"] = [(200, content, mime)]


def media_message(chat, kind="image", media_id="8078039142652622", mime="image/jpeg",
                  file_name="", now=None) -> MessageMedia:
    """An inbound media message as the webhook stores it, its file pending."""
    now = now or utcnow()
    message = Message(chat_id=chat.id, direction=Direction.INBOUND, type=kind, body="",
                      sent_at=now, status="received", wamid=f"wamid.{media_id}",
                      details={"label": "photo"})
    db.session.add(message)
    db.session.flush()
    note_media(message, MediaRef(media_id, kind, mime, file_name), now)
    db.session.commit()
    return db.session.scalar(select(MessageMedia).where(MessageMedia.message_id == message.id))


def test_an_inbound_photo_and_a_document_keep_their_media_ids(client, make_user):
    make_user(online=True)
    routed(client, message_payload({"type": "image", "image": {
        "id": "8078039142652622", "mime_type": "image/jpeg", "sha256": "x", "caption": "Meu carro"}}))
    routed(client, message_payload({"type": "document", "document": {
        "id": "8871920894643135", "mime_type": "application/pdf",
        "filename": "orcamento.pdf"}}))
    routed(client, message_payload({"type": "text", "text": {"body": "Oi"}}))
    rows = db.session.scalars(select(MessageMedia).order_by(MessageMedia.id)).all()
    assert [(r.media_id, r.kind, r.mime_type, r.file_name, r.state) for r in rows] == [
        ("8078039142652622", "image", "image/jpeg", "", MediaState.PENDING),
        ("8871920894643135", "document", "application/pdf", "orcamento.pdf",
         MediaState.PENDING)]
    assert rows[0].chat_id == db.session.get(Message, rows[0].message_id).chat_id


def test_a_due_file_is_downloaded_with_the_token_and_kept_by_its_content(app, graph,
                                                                         pre_seller):
    row = media_message(make_chat(pre_seller))
    serve_file(graph, row.media_id, JPEG, "image/jpeg")
    report = fetch_pending_media(utcnow())
    db.session.commit()
    assert (report.stored, report.retrying, report.unavailable) == (1, 0, 0)
    db.session.refresh(row)
    digest = hashlib.sha256(JPEG).hexdigest()
    assert (row.state, row.mime_type, row.size) == (MediaState.STORED, "image/jpeg", len(JPEG))
    assert row.path == f"{digest[:2]}/{digest[2:4]}/{digest}"
    assert row.file_name == f"image-{row.message_id}.jpg"
    kept = Path(app.config["MEDIA_ROOT"]) / row.path
    assert kept.read_bytes() == JPEG
    assert stat.S_IMODE(os.stat(kept).st_mode) == 0o600
    gets = [r for r in graph.requests if r["method"] == "GET"]
    assert [r["path"] for r in gets] == [f"/v21.0/{row.media_id}", f"/lookaside/{row.media_id}"]
    assert all(r["headers"]["Authorization"] == "Bearer token-abc" for r in gets)
    assert fetch_pending_media(utcnow()).stored == 0  # done once


def test_a_failing_download_is_retried_with_backoff_then_unavailable(app, graph, pre_seller):
    start = utcnow()
    row = media_message(make_chat(pre_seller), now=start)
    graph.get_answers[f"/v21.0/{row.media_id}"] = [(500, {"error": {
        "message": "Internal", "code": 131000}})]
    now = start
    for attempt, delay in enumerate(RETRY_DELAYS, start=1):
        assert fetch_pending_media(now).retrying == 1
        db.session.commit()
        assert fetch_pending_media(now + delay - timedelta(seconds=1)).retrying == 0  # not due
        db.session.refresh(row)
        assert (row.attempts, row.state, row.error) == (attempt, MediaState.PENDING,
                                                        "whatsapp:131000")
        now += delay
    assert fetch_pending_media(now).unavailable == 1
    db.session.commit()
    db.session.refresh(row)
    assert (row.state, row.next_attempt_at) == (MediaState.UNAVAILABLE, None)
    assert fetch_pending_media(now + timedelta(days=1)) == type(fetch_pending_media(now))()


@pytest.mark.parametrize("kind, mime, content, declared, error", [
    ("image", "image/jpeg", JPEG, 6 * 1024 * 1024, "too_large"),  # said too big: not fetched
    ("sticker", "image/webp", b"x" * (1024 * 1024 + 1), None, "too_large"),  # found too big
    ("document", "text/html", b"<script>", None, "type_not_allowed"),
])
def test_files_over_their_limit_or_of_other_types_are_unavailable_at_once(
        app, graph, pre_seller, kind, mime, content, declared, error):
    row = media_message(make_chat(pre_seller), kind=kind, mime=mime)
    serve_file(graph, row.media_id, content, mime, size=declared)
    if declared is None:  # the answer names no size: only the download finds out
        graph.get_answers[f"/v21.0/{row.media_id}"][0][1].pop("file_size")
    assert fetch_pending_media(utcnow()).unavailable == 1
    db.session.commit()
    db.session.refresh(row)
    assert (row.state, row.error, row.path) == (MediaState.UNAVAILABLE, error, None)
    assert not list(Path(app.config["MEDIA_ROOT"]).glob("??/??/*"))


def test_the_token_never_goes_to_a_host_outside_meta(app, graph, pre_seller):
    row = media_message(make_chat(pre_seller))
    serve_file(graph, row.media_id, JPEG, "image/jpeg")
    graph.get_answers[f"/v21.0/{row.media_id}"][0][1]["url"] = "https://attacker.test/x"
    assert fetch_pending_media(utcnow()).retrying == 1
    db.session.commit()
    db.session.refresh(row)
    assert row.error == "relay:untrusted_media_url"


def stored_media(app, chat, kind="image", content=JPEG, mime="image/jpeg", file_name=""):
    """A media message whose file is kept (through the sandbox store)."""
    source = Path(app.config["MEDIA_ROOT"]).parent / f"upload{mimetypes.guess_extension(mime)}"
    source.write_bytes(content)
    media_id, _mime = SandboxMedia(app.config["MEDIA_ROOT"]).put(source)
    row = media_message(chat, kind=kind, media_id=media_id, mime=mime, file_name=file_name)
    fetch_pending_media(utcnow())
    db.session.commit()
    db.session.refresh(row)
    assert row.state == MediaState.STORED
    return row


def test_the_file_is_served_only_to_people_who_may_see_the_chat(app, client, auth, make_user,
                                                                 pre_seller, manager):
    chat = make_chat(pre_seller)
    row = stored_media(app, chat)
    url = f"/chats/{chat.id}/media/{row.message_id}"
    auth.login(pre_seller)
    served = client.get(url)
    assert served.status_code == 200 and served.data == JPEG
    assert served.headers["Content-Type"] == "image/jpeg"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in served.headers["Cache-Control"]
    assert "attachment" not in served.headers.get("Content-Disposition", "")
    page = client.get(f"/chats/{chat.id}").get_data(as_text=True)
    assert f'src="{url}"' in page

    auth.logout()
    auth.login(make_user())  # another pre-seller: the chat does not exist for them
    assert client.get(url).status_code == 404
    auth.logout()
    auth.login(manager)
    assert client.get(url).status_code == 200
    assert client.get(f"/chats/{chat.id}/media/{row.message_id + 1}").status_code == 404


def test_a_document_is_always_a_download_with_its_name_and_size(app, client, auth,
                                                                 pre_seller):
    chat = make_chat(pre_seller)
    row = stored_media(app, chat, kind="document", content=PDF, mime="application/pdf",
                       file_name="orçamento 2026.pdf")
    auth.login(pre_seller)
    served = client.get(f"/chats/{chat.id}/media/{row.message_id}")
    assert served.headers["Content-Type"] == "application/pdf"
    assert served.headers["Content-Disposition"].startswith("attachment")
    assert "filename*=UTF-8''or%C3%A7amento%202026.pdf" in served.headers["Content-Disposition"]
    page = client.get(f"/chats/{chat.id}").get_data(as_text=True)
    assert "orçamento 2026.pdf" in page and "17 bytes" in page


def test_pending_and_unavailable_files_say_so(app, client, auth, pre_seller):
    chat = make_chat(pre_seller)
    pending = media_message(chat, media_id="111")
    gone = media_message(chat, media_id="222")
    db.session.execute(db.update(MessageMedia).where(MessageMedia.id == gone.id)
                       .values(state=MediaState.UNAVAILABLE))
    db.session.commit()
    auth.login(pre_seller)
    page = client.get(f"/chats/{chat.id}").get_data(as_text=True)
    assert "Downloading the file" in page and "File unavailable" in page
    assert client.get(f"/chats/{chat.id}/media/{pending.message_id}").status_code == 404


def test_simulate_inbound_sends_a_photo_the_sandbox_resolves_to_the_local_file(
        app, runner, make_user, tmp_path):
    make_user(online=True)
    photo = tmp_path / "carro.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"car" * 30)
    db.session.remove()
    with serving(app) as url:
        result = runner.invoke(args=["simulate-inbound", "--wa-id", "5511987654321", "--name",
                                     "Lucia", "--text", "Meu carro", "--image", str(photo),
                                     "--url", url])
    assert result.exit_code == 0, result.output
    drain_deliveries()  # the consumer routes what the webhook stored
    row = db.session.scalar(select(MessageMedia))
    assert row.media_id.startswith("sandbox-") and row.mime_type == "image/png"
    assert fetch_pending_media(utcnow()).stored == 1
    db.session.commit()
    db.session.refresh(row)
    assert (Path(app.config["MEDIA_ROOT"]) / row.path).read_bytes() == photo.read_bytes()
    assert db.session.get(Message, row.message_id).body == "Meu carro"


def test_the_jobs_process_fetches_media_every_few_seconds(app, graph, pre_seller):
    scheduler = jobs.schedule_jobs(app, BackgroundScheduler(), "runner-test")
    intervals = {job.id: job.trigger.interval.total_seconds() for job in scheduler.get_jobs()}
    assert intervals["fetch-media"] == app.config["MEDIA_FETCH_INTERVAL_SECONDS"] == 5
    assert intervals["expire-chats"] == intervals["refresh-templates"] == 60
    row = media_message(make_chat(pre_seller))
    serve_file(graph, row.media_id, JPEG, "image/jpeg")
    outcome = jobs.run_job("fetch-media", utcnow(), "runner-test",
                           ttl=timedelta(minutes=3), keep_lease=False)
    assert outcome.message == "1 file stored, 0 to retry, 0 unavailable"


def test_media_codes_fit_their_columns():
    assert max(len(state) for state in MediaState) <= MessageMedia.state.type.length
    assert max(len(kind) for kind in MEDIA_KINDS.values()) <= MessageMedia.kind.type.length
