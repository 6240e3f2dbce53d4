"""In-process measures: one routing decision, the chat list page, the expiry sweep."""
import statistics
import time
from itertools import count

from sqlalchemy import update

from webapp.db import utcnow
from webapp.extensions import db
from webapp.models import User
from webapp.services.routing import route_inbound
from webapp.services.sweeps import expire_chats
from webapp.services.waiting_line import give_out_waiting

from .seed import MANAGER_EMAIL, MANAGER_PASSWORD

_leads = count(1)


def routing_decision_ms(samples: int) -> float:
    """Median time of routing a new lead (load, decide, write, commit), in ms."""
    timings = []
    for _ in range(samples):
        now = utcnow()
        started = time.perf_counter()
        route_inbound(wa_id=f"77{next(_leads):09d}", user_id=None, name="Routing probe",
                      message_at=now, preview="Hi", now=now)
        db.session.commit()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def chat_list_ms(app, samples: int) -> float:
    """Median server time of GET /telephony/chats for a signed-in manager, in ms."""
    return page_ms(app, "/telephony/chats", samples)


def dashboard_ms(app, samples: int) -> float:
    """Median server time of GET /telephony/dashboard for the last 30 days (team now and
    every report) for a signed-in manager, in ms."""
    return page_ms(app, "/telephony/dashboard?period=30d", samples)


def page_ms(app, path: str, samples: int) -> float:
    """Median server time of GET `path` for the signed-in bench manager, in ms (one untimed
    request first warms the templates)."""
    client = app.test_client()
    signed_in = client.post("/login", data={"email": MANAGER_EMAIL, "password": MANAGER_PASSWORD})
    assert signed_in.status_code in (302, 303), "the bench manager could not sign in"
    client.get(path)
    timings = []
    for _ in range(samples):
        started = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    return statistics.median(timings)


def waiting_line_ms(arrivals: list[int]) -> tuple[float, list[int]]:
    """The waiting line as `arrivals` come online together (one UPDATE, not timed): time of
    giving out every waiting chat and its commit, in ms, and how many each was given."""
    now = utcnow()
    db.session.execute(update(User).where(User.id.in_(arrivals))
                       .values(signed_in=True, last_seen_at=now))
    db.session.commit()
    started = time.perf_counter()
    given = give_out_waiting(now)
    db.session.commit()
    took = (time.perf_counter() - started) * 1000
    return took, [sum(1 for item in given if item.assignee_id == user_id) for user_id in arrivals]


def expiry_sweep_ms() -> tuple[float, int]:
    """Time of one expiry sweep (the UPDATE and its commit), in ms, and how many it expired."""
    started = time.perf_counter()
    expired = expire_chats()
    db.session.commit()
    return (time.perf_counter() - started) * 1000, expired
