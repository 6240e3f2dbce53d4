"""Leases and expiry run on the database's clock: a runner whose own clock is wrong can
neither take a live lease nor expire a chat early (nor miss one that is due)."""
from datetime import timedelta

from sqlalchemy import select

from tests.chat_helpers import make_chat
from webapp import jobs
from webapp.db import utcnow
from webapp.domain.codes import ChatStatus
from webapp.extensions import db
from webapp.models import Chat, JobRun

TTL = timedelta(minutes=3)
HOUR = timedelta(hours=1)


def test_a_runner_an_hour_ahead_cannot_take_a_live_lease(app):
    live = jobs.run_job("expire-chats", utcnow(), "runner-a", ttl=TTL, keep_lease=True)
    ahead = jobs.run_job("expire-chats", utcnow() + HOUR, "runner-b", ttl=TTL, keep_lease=True)
    assert (live.status, ahead.status) == (jobs.DONE, jobs.SKIPPED)
    assert "runner-a" in ahead.message


def test_a_lease_lasts_its_ttl_by_the_databases_clock_whatever_the_runners_clock(app):
    jobs.run_job("expire-chats", utcnow() + HOUR, "runner-a", ttl=TTL, keep_lease=True)
    locked_until = db.session.scalar(select(JobRun.locked_until))
    assert abs(locked_until - (utcnow() + TTL)) < timedelta(minutes=1)
    behind = jobs.run_job("expire-chats", utcnow() - HOUR, "runner-b", ttl=TTL,
                          keep_lease=True)
    assert behind.status == jobs.SKIPPED


def test_a_sweep_an_hour_ahead_does_not_expire_a_chat_with_30_minutes_left(
        runner, make_user, monkeypatch):
    chat = make_chat(make_user(), window_left=timedelta(minutes=30))
    monkeypatch.setattr(jobs, "utcnow", lambda: utcnow() + HOUR)
    result = runner.invoke(args=["sweep"])
    assert "expire-chats: 0 chats expired" in result.output, result.output
    db.session.expire_all()
    assert db.session.get(Chat, chat.id).status == ChatStatus.OPEN


def test_a_runner_an_hour_behind_still_expires_what_is_due(app, make_user):
    due = make_chat(make_user(), window_left=timedelta(minutes=-1))
    outcome = jobs.run_job("expire-chats", utcnow() - HOUR, "runner-a", ttl=TTL,
                           keep_lease=False)
    assert outcome.message == "1 chat expired"
    db.session.expire_all()
    assert db.session.get(Chat, due.id).status == ChatStatus.EXPIRED
