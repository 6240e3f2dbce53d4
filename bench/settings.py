"""The benchmark's sizes and limits: the full run (≤ 5 min on 2 cores) or BENCH_QUICK=1."""
import os
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Sizes:
    """How much of everything one run makes and measures."""

    label: str
    requests: int          # webhook requests per phase (bounded)
    seconds: float         # and at most this long per phase
    concurrency: int       # client threads posting at once
    small_chats: int       # "10k"
    large_chats: int       # "1M"
    due_chats: int         # the expiry sweep's 100k
    routing_samples: int   # route_inbound calls timed per size
    page_samples: int      # chat list requests timed per size
    backlog: int           # deliveries in each backlog the consumer drains (new, continued)
    steady_seconds: float  # how long deliveries arrive at STEADY_RATE for the latency


FULL = Sizes("full", requests=6000, seconds=20, concurrency=16, small_chats=10_000,
             large_chats=1_000_000, due_chats=100_000, routing_samples=40, page_samples=15,
             backlog=20_000, steady_seconds=20)
QUICK = Sizes("quick", requests=300, seconds=5, concurrency=16, small_chats=10_000,
              large_chats=100_000, due_chats=20_000, routing_samples=15, page_samples=5,
              backlog=2_000, steady_seconds=5)

# The same gunicorn settings for Relay and for the baseline.
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
PRE_SELLERS_ONLINE = 6      # the team that receives the webhook's new leads
SERIAL_REQUESTS = 150      # requests per phase posted one at a time (service time)
ROUTING_TEAM = 200          # pre-sellers for the routing-decision measure
OPEN_CHATS = 2_000          # open chats at every size: a day's traffic; the rest is history
WAITING_CHATS = 1_000       # unassigned chats the waiting line gives out…
COMING_ONLINE = 50          # …when this many pre-sellers come online at once
STEADY_RATE = 100           # deliveries per second for the receipt-to-routed latency
ROUNDS = 3                  # the webhook phases of both apps take turns, this many times
WARM_UP_REQUESTS = 300      # untimed status deliveries posted to each app before its phases
CONSUMERS = 2               # consumers routing the webhook phases' deliveries at once
APP_SECRET = "bench-app-secret"
POSTGRES_SERVER = os.environ.get("BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")


def sizes() -> Sizes:
    """The quick sizes when BENCH_QUICK is set, else the full ones; BENCH_REQUESTS sets the
    webhook requests per phase, split over ROUNDS rounds (on a quiet machine 1,500 take under
    a second: too short a phase to compare)."""
    chosen = QUICK if os.environ.get("BENCH_QUICK") not in (None, "", "0") else FULL
    requests = os.environ.get("BENCH_REQUESTS", "")
    if requests:
        if not requests.isdigit() or int(requests) < 1:
            raise SystemExit(f"BENCH_REQUESTS must be a positive number, not {requests!r}")
        chosen = replace(chosen, requests=int(requests))
    return chosen


# BENCH_ONLY=webhook: only the webhook's phases, the two consumers' checks and the steady
# latency (a few minutes, no million chats); its table goes to bench/out/, not results.md.
# (BENCH_ONLY=dashboard is dispatched by __main__ to dashboard_only.)
ONLY_CHOICES = ("", "webhook", "dashboard")


def bench_only() -> str:
    """The part of the run BENCH_ONLY names ("" for everything)."""
    only = os.environ.get("BENCH_ONLY", "")
    if only not in ONLY_CHOICES:
        raise SystemExit(f"BENCH_ONLY must be one of {ONLY_CHOICES[1:]}, not {only!r}")
    return only
