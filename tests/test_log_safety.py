"""Logs and stored errors name ids and error classes, never the data a failed statement
carried (lead names and numbers, message text, password hashes). Both databases."""
import logging
from datetime import timedelta

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from tests.webhook_helpers import batch, routed, text_payload
from webapp import jobs
from webapp.db import utcnow
from webapp.extensions import db
from webapp.logsafe import describe_error, safe_exc_info
from webapp.models import PRE_SELLER, JobRun, Lead, User, WebhookEvent
from webapp.services import inbound_messages

# The data a failed statement carries; none of it may reach a log or a stored error. The
# failing code below names these constants, so a logged traceback's source lines do not
# quote them either.
TAKEN_EMAIL = "taken@example.test"
SECRET_NAME = "Lucia Secretname"
SECRET_HASH = "pbkdf2:sha256:600000$SECRETSALT$SECRETHASH"
SECRET_WA_ID = "5511977770001"
SECRETS = (TAKEN_EMAIL, SECRET_NAME, SECRET_HASH, SECRET_WA_ID, "SECRETHASH")


def assert_no_secret(text: str) -> None:
    """None of the data appears in the text."""
    leaked = [secret for secret in SECRETS if secret in (text or "")]
    assert not leaked, f"{leaked} leaked into: {text}"


def duplicate_user() -> None:
    """Insert a user whose e-mail is taken: the statement carries a name and a hash."""
    db.session.execute(insert(User).values(email=TAKEN_EMAIL, name=SECRET_NAME, role=PRE_SELLER,
                                           active=True, password_hash=SECRET_HASH))


@pytest.fixture
def taken(make_user):
    """A user holding TAKEN_EMAIL."""
    return make_user(email=TAKEN_EMAIL)


def test_the_engine_hides_statement_parameters(app, taken):
    with pytest.raises(IntegrityError) as failed:
        duplicate_user()
    db.session.rollback()
    assert SECRET_HASH not in str(failed.value) and SECRET_NAME not in str(failed.value)
    assert describe_error(failed.value).startswith("IntegrityError")
    assert_no_secret(describe_error(failed.value))


def test_a_failed_insert_in_a_request_logs_classes_not_data(app, client, caplog, taken):
    app.add_url_rule("/test-only/duplicate-user", "duplicate_user",
                     lambda: duplicate_user() or "", methods=["POST"])
    with caplog.at_level(logging.INFO):
        response = client.post("/test-only/duplicate-user")
    assert response.status_code == 500
    assert "unhandled error on POST /test-only/duplicate-user" in caplog.text
    assert "RedactedError: IntegrityError" in caplog.text  # its class, and its traceback
    assert "duplicate_user" in caplog.text
    assert_no_secret(caplog.text)


def clashing_route(real):
    """Routing that, for the secret lead, also inserts a lead clashing on its wa_id."""
    def route(messages, now):
        real(messages, now)
        for message in messages:
            if message.wa_id == SECRET_WA_ID:
                db.session.execute(insert(Lead).values(wa_id=message.wa_id, name=message.name,
                                                       created_at=utcnow()))
    return route


@pytest.mark.parametrize("with_another_message", [False, True],
                         ids=["alone", "beside-another-message"])
def test_a_database_error_in_a_delivery_is_stored_and_logged_without_data(
        client, caplog, monkeypatch, with_another_message):
    monkeypatch.setattr(inbound_messages, "route_and_store",
                        clashing_route(inbound_messages.route_and_store))
    payload = text_payload(wa_id=SECRET_WA_ID, name=SECRET_NAME, text="my secret text")
    wamid = payload["entry"][0]["changes"][0]["value"]["messages"][0]["id"]
    if with_another_message:
        payload = batch(payload, text_payload(wa_id="5511900000099", text="fine"))
    with caplog.at_level(logging.INFO):
        response, result = routed(client, payload)
    assert response.status_code == 200 and result.failed
    error = db.session.scalar(select(WebhookEvent.error))
    assert error.startswith(f"entry[0].changes[0].value.messages[0] (wamid {wamid}): "
                            "IntegrityError" if with_another_message else "IntegrityError")
    assert "my secret text" not in error and "my secret text" not in caplog.text
    assert_no_secret(error)
    assert_no_secret(caplog.text)
    assert "RedactedError: IntegrityError" in caplog.text


def test_a_failing_job_records_and_logs_classes_not_data(app, caplog, monkeypatch, taken):
    monkeypatch.setitem(jobs.JOBS, "expire-chats", lambda now: duplicate_user())
    with caplog.at_level(logging.INFO):
        outcome = jobs.run_job("expire-chats", utcnow(), "runner-a",
                               ttl=timedelta(minutes=3), keep_lease=False)
    assert outcome.status == jobs.FAILED and outcome.message.startswith("IntegrityError")
    last_error = db.session.scalar(select(JobRun.last_error))
    assert last_error.startswith("IntegrityError")
    assert_no_secret(last_error)
    assert_no_secret(outcome.message)
    assert_no_secret(caplog.text)


def test_other_errors_keep_their_first_line_and_traceback():
    try:
        raise RuntimeError("disk full\nsecond line")
    except RuntimeError as error:
        assert describe_error(error) == "RuntimeError: disk full"
        assert safe_exc_info(error) == (RuntimeError, error, error.__traceback__)
