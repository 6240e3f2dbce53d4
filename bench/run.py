"""One benchmark run: on SQLite, then PostgreSQL, each in throwaway databases; then the report."""
import time
from datetime import timedelta
from typing import NamedTuple

from sqlalchemy import func, select

from webapp import create_app
from webapp.db import utcnow
from webapp.domain.codes import Direction
from webapp.extensions import db
from webapp.models import Chat, Message

from . import baseline, measure, queue, report, seed
from .databases import app_config, throwaway
from .load import LoadResult, deliveries, post_all
from .servers import gunicorn
from .settings import (
    APP_SECRET,
    COMING_ONLINE,
    CONSUMERS,
    OPEN_CHATS,
    PRE_SELLERS_ONLINE,
    ROUNDS,
    ROUTING_TEAM,
    SERIAL_REQUESTS,
    STEADY_RATE,
    WAITING_CHATS,
    WARM_UP_REQUESTS,
    WORKERS,
    bench_only,
    sizes,
)

WEBHOOK = "/webhooks/whatsapp"


def webhook_phases(database, sizes) -> dict:
    """Baseline, new leads, continuations of those leads and statuses, under gunicorn: first
    under load, then one request at a time (the service time, without contention).

    Both apps serve at once and their phases take turns, in ROUNDS rounds whose figures are
    added up: a burst of other work on this shared machine then falls on both alike, where
    one phase after the other let it land on one side of the ratio only."""
    env = {"DATABASE_URL": database.url, "BENCH_DB_URL": database.url,
           "WHATSAPP_APP_SECRET": APP_SECRET, "SECRET_KEY": "bench-secret-key",
           "WHATSAPP_VERIFY_TOKEN": "bench", "SCHEDULER_ENABLED": "", "WHATSAPP_ACCESS_TOKEN": ""}
    runs = (Run("", sizes.requests, sizes.concurrency, sizes.seconds, "55"),
            Run("serial ", SERIAL_REQUESTS, 1, sizes.seconds / 2, "56"))
    results: dict[str, LoadResult] = {}
    baseline.create_table(database.url)
    with gunicorn("bench.baseline:app", env) as base, gunicorn("wsgi:app", env) as relay:
        warm_up(base)
        warm_up(relay)
        for run in runs:
            for part in run.rounds(ROUNDS):
                add(results, part.prefix + "baseline", part.post(base, part.numbers(), "Hi"))
                new = part.post(relay, part.numbers(), "Hi, a quote?")
                add(results, part.prefix + "new lead", new)
                answered = sorted({item.lead for item in new.delivered})
                add(results, part.prefix + "continuation", part.post(relay, answered, "Any news?"))
                add(results, part.prefix + "statuses", post_all(
                    relay, WEBHOOK, queue.status_deliveries(part.count),
                    concurrency=part.concurrency, seconds=part.seconds))
    return results


def add(results: dict[str, LoadResult], phase: str, measured: LoadResult) -> None:
    """A round's figures added to its phase's (requests, time and latencies summed)."""
    results[phase] = results[phase].plus(measured) if phase in results else measured


def warm_up(url: str) -> None:
    """Untimed signed POSTs first, the same for both apps: the first phase would otherwise
    also measure each worker's first database connections and statements."""
    post_all(url, WEBHOOK, queue.status_deliveries(WARM_UP_REQUESTS), concurrency=WORKERS * 2,
             seconds=10)


def queue_phases(database, sizes, *, drain: bool = True) -> dict:
    """A backlog's drain rate (unless `drain` is off); receipt-to-routed latency at a steady
    pace (Relay under gunicorn, the consumer in its own process)."""
    figures: dict = {"drain": {}}
    if drain:
        print(f"   drain rate of {sizes.backlog:,} new-lead and continuation deliveries ...",
              flush=True)
        figures["drain"] = queue.backlog_drain_rates(database.url, sizes.backlog)
    env = {"DATABASE_URL": database.url, "WHATSAPP_APP_SECRET": APP_SECRET,
           "SECRET_KEY": "bench-secret-key", "WHATSAPP_VERIFY_TOKEN": "bench",
           "SCHEDULER_ENABLED": "", "WHATSAPP_ACCESS_TOKEN": ""}
    print(f"   latency at {STEADY_RATE} deliveries/s for {sizes.steady_seconds:.0f} s ...",
          flush=True)
    with gunicorn("wsgi:app", env) as url:
        figures["latency"] = queue.steady_latency(database.url, url, WEBHOOK, rate=STEADY_RATE,
                                                  seconds=sizes.steady_seconds)
    return figures


class Run(NamedTuple):
    """How one series of phases posts: under load, or one request at a time."""

    prefix: str        # of the phases' names in the results
    count: int
    concurrency: int
    seconds: float
    country: str       # first digits of its leads' numbers, so no two series share a lead

    first: int = 0     # of its leads' numbers (each round has its own)

    def numbers(self) -> list[str]:
        """One new lead's number per request."""
        return [f"{self.country}{n:011d}" for n in range(self.first, self.first + self.count)]

    def rounds(self, count: int) -> list["Run"]:
        """This series cut into `count` rounds of equal size, each with its own leads."""
        size = max(self.count // count, 1)
        return [self._replace(count=size, seconds=self.seconds / count, first=n * size)
                for n in range(count)]

    def post(self, url: str, leads: list[str], text: str):
        """One phase: `count` deliveries from these leads."""
        return post_all(url, WEBHOOK, deliveries(self.count, leads=leads, text=text),
                        concurrency=self.concurrency, seconds=self.seconds)


def integrity(results: dict, team_ids: list[int]) -> dict:
    """Every answered wamid stored exactly once; new leads spread evenly over the team."""
    posted = [item.wamid for phase in ("new lead", "continuation", "serial new lead",
                                       "serial continuation")
              for item in results[phase].delivered]
    rows = db.session.execute(select(Message.wamid, func.count()).where(
        Message.direction == Direction.INBOUND).group_by(Message.wamid)).all()
    stored = dict(rows)
    missing = sum(1 for wamid in posted if wamid not in stored)
    duplicated = sum(1 for n in stored.values() if n > 1)
    per_person = dict(db.session.execute(select(Chat.assignee_id, func.count()).where(
        Chat.assignee_id.in_(team_ids)).group_by(Chat.assignee_id)).all())
    loads = [per_person.get(user_id, 0) for user_id in team_ids]
    return {"posted": len(posted), "missing": missing, "duplicated": duplicated,
            "spread": max(loads) - min(loads), "loads": loads}


def in_process(database, sizes) -> dict:
    """Routing, chat list and dashboard at the small and large sizes, then the expiry sweep
    and the waiting line, on a database of their own: the webhook phases' tens of
    thousands of chats would otherwise be the "small" size already."""
    app = create_app(app_config(database.url))
    figures = {}
    with app.app_context():
        seed.manager()
        now = utcnow()
        team = seed.team(ROUTING_TEAM, online_until=now + timedelta(days=1), prefix="router")
        seeded = db.session.scalar(select(func.count(Chat.id)))
        for label, target in (("small", sizes.small_chats), ("large", sizes.large_chats)):
            started = time.perf_counter()
            seed.chats(target - seeded, open_chats=OPEN_CHATS if label == "small" else 0,
                       assignee_ids=team, now=now)
            figures[f"seed {label} s"] = time.perf_counter() - started
            seeded = target
            figures[f"routing {label} ms"] = measure.routing_decision_ms(sizes.routing_samples)
            figures[f"list {label} ms"] = measure.chat_list_ms(app, sizes.page_samples)
            figures[f"dashboard {label} ms"] = measure.dashboard_ms(app, sizes.page_samples)
            seeded = db.session.scalar(select(func.count(Chat.id)))
        seed.make_due(sizes.due_chats, utcnow())
        figures["expiry ms"], figures["expired"] = measure.expiry_sweep_ms()
        figures.update(waiting_line(team))
        db.session.remove()
        db.engine.dispose()
    return figures


def waiting_line(team: list[int]) -> dict:
    """Every pre-seller offline, WAITING_CHATS waiting chats, then COMING_ONLINE pre-sellers
    come online at once and the waiting line gives the chats out."""
    seed.sign_out(team)
    arrivals = seed.team(COMING_ONLINE, online_until=utcnow(), prefix="arrival")
    seed.sign_out(arrivals)
    seed.waiting_chats(WAITING_CHATS, utcnow())
    took, loads = measure.waiting_line_ms(arrivals)
    return {"waiting line ms": took, "given out": sum(loads),
            "waiting spread": max(loads) - min(loads)}


def bench_database(kind: str, sizes, only: str = "") -> dict:
    """Everything measured on one kind of database (with only="webhook": the webhook's
    acknowledgement, the two consumers' integrity checks and the steady latency)."""
    print(f"== {kind}: webhook under gunicorn ({WORKERS} workers, "
          f"{sizes.concurrency} clients) ...", flush=True)
    with throwaway(kind) as database:
        app = create_app(app_config(database.url))
        with app.app_context():
            seed.manager()
            webhook_team = seed.team(PRE_SELLERS_ONLINE, online_until=utcnow() + timedelta(days=1),
                                     prefix="seller")
            db.session.remove()
            load = webhook_phases(database, sizes)
            db.session.remove()
            print(f"   the deliveries routed by {CONSUMERS} consumers at once ...", flush=True)
            routed, took = queue.drain_with_consumers(database.url, CONSUMERS)
            checks = integrity(load, webhook_team) | {"routed": routed, "routed s": took}
            db.session.remove()
            routing = queue_phases(database, sizes, drain=only != "webhook")
            db.engine.dispose()
        if only == "webhook":
            return {"load": load, "checks": checks, "figures": {}, "queue": routing}
        print(f"== {kind}: routing, chat list and expiry at {sizes.small_chats:,} and "
              f"{sizes.large_chats:,} chats ...", flush=True)
    with throwaway(kind) as sized:
        figures = in_process(sized, sizes)
    return {"load": load, "checks": checks, "figures": figures, "queue": routing}


def main() -> None:
    """Run everything, print the table, write bench/results.md and bench/results.png."""
    chosen, only = sizes(), bench_only()
    started = time.perf_counter()
    results = {kind: bench_database(kind, chosen, only) for kind in ("sqlite", "postgresql")}
    took = time.perf_counter() - started
    report.write(results, chosen, took, partial=bool(only))
