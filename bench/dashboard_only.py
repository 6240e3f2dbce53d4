"""`BENCH_ONLY=dashboard`: the dashboard row alone (30 days, 200 pre-sellers) at the small and
large sizes, on SQLite then PostgreSQL; the cheapest way to measure it at a million chats
(the quick run stops at 100k). Printed, not written to results.md."""
import time
from datetime import timedelta

from webapp import create_app
from webapp.db import utcnow
from webapp.extensions import db

from . import measure, seed
from .databases import app_config, throwaway
from .settings import FULL, OPEN_CHATS, ROUTING_TEAM, sizes


def main() -> None:
    """Seed 10k chats and measure, then up to 1M and measure again (the full run's sizes
    whatever BENCH_QUICK says; it sets only how many requests are timed)."""
    chosen = sizes()
    for kind in ("sqlite", "postgresql"):
        with throwaway(kind) as database:
            app = create_app(app_config(database.url))
            with app.app_context():
                seed.manager()
                team = seed.team(ROUTING_TEAM, online_until=utcnow() + timedelta(days=1),
                                 prefix="router")
                seeded, figures = 0, {}
                for label, target in (("small", FULL.small_chats),
                                      ("large", FULL.large_chats)):
                    started = time.perf_counter()
                    seed.chats(target - seeded, open_chats=OPEN_CHATS if label == "small" else 0,
                               assignee_ids=team, now=utcnow())
                    figures[f"seed {label} s"] = round(time.perf_counter() - started, 1)
                    seeded = target
                    figures[f"dashboard {label} ms"] = round(
                        measure.dashboard_ms(app, chosen.page_samples), 1)
                small, large = figures["dashboard small ms"], figures["dashboard large ms"]
                print(f"{kind}: {figures}; large/small = {large / small:.2f}", flush=True)
                db.session.remove()
                db.engine.dispose()
