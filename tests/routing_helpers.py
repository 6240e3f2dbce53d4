"""Helpers for the routing and transfer service tests: settings, messages, busy pre-sellers,
and calls made at once from real threads, each with its own app context and session."""
import threading
from datetime import timedelta
from itertools import count

from webapp.db import utcnow
from webapp.domain.codes import ChatStatus
from webapp.extensions import db
from webapp.models import Chat, Lead, RoutingDecision, WhatsAppSettings
from webapp.services.routing import route_inbound

_numbers = count(1)


def configure(**fields) -> WhatsAppSettings:
    """Change the WhatsApp Business settings (mode, groups, alternates, transfer) and commit."""
    settings = db.session.get(WhatsAppSettings, 1)
    for name, value in fields.items():
        setattr(settings, name, value)
    db.session.commit()
    return settings


def message(wa_id=None, *, user_id=None, name="", at=None, now=None, preview="Hello") -> Chat:
    """One inbound message routed and committed, as the webhook would do it."""
    now = now or utcnow()
    chat = route_inbound(wa_id=wa_id, user_id=user_id, name=name, message_at=at or now,
                         preview=preview, now=now)
    db.session.commit()
    return chat


def busy(user, chats=1, *, minutes_ago=10, status=ChatStatus.OPEN) -> None:
    """Give a pre-seller chats whose lead last wrote `minutes_ago` minutes ago; commit."""
    at = utcnow() - timedelta(minutes=minutes_ago)
    for _ in range(chats):
        lead = Lead(wa_id=f"4400{next(_numbers):08d}", name="Busy lead", owner_id=user.id)
        db.session.add(Chat(lead=lead, assignee_id=user.id, status=status, opened_at=at,
                            last_inbound_at=at, last_message_at=at,
                            window_expires_at=at + timedelta(hours=24)))
    db.session.commit()


def decisions(chat_id: int) -> list[RoutingDecision]:
    """The chat's routing decisions, oldest first."""
    return list(db.session.query(RoutingDecision).filter_by(chat_id=chat_id)
                .order_by(RoutingDecision.created_at, RoutingDecision.id))


def at_once(app, calls) -> list:
    """Run each call in its own thread and app context, released together; commit each.

    Returns each call's result, or the exception it raised (its transaction rolled back).
    """
    db.session.remove()  # the test's own session must hold no transaction (SQLite lock)
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(n, call):
        with app.app_context():
            barrier.wait()
            try:
                outcome = call()
                results[n] = outcome.id if hasattr(outcome, "id") else outcome
                db.session.commit()
            except Exception as error:  # noqa: BLE001 - handed back to the test to inspect
                db.session.rollback()
                results[n] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(n, call)) for n, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    db.session.remove()  # read what the threads committed
    return results
