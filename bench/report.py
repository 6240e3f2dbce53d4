"""The benchmark's table: printed, written to bench/results.md, and drawn to bench/results.png."""
from datetime import UTC, datetime
from pathlib import Path

from .settings import COMING_ONLINE, CONSUMERS, ROUNDS, STEADY_RATE, WAITING_CHATS, WORKERS

HERE = Path(__file__).resolve().parent
# The webhook only checks, stores and answers: each kind of delivery is acknowledged at
# this share of the bare baseline's throughput, its p99 within P99_FACTOR × the baseline's.
TARGETS = {"new lead": 0.8, "continuation": 0.8, "statuses": 0.8}
P99_FACTOR, SCALING_LIMIT, EXPIRY_LIMIT_MS = 2, 1.5, 1000
DRAIN_TARGET, LATENCY_P99_MS = 0.5, 250
DASHBOARD_LIMIT_MS = 300


def _verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def rows(kind: str, result: dict, sizes) -> list[tuple]:
    """(database, measure, value, ratio, target, verdict) rows for one database."""
    load, figures, checks = result["load"], result["figures"], result["checks"]
    base = load["baseline"].throughput
    out = [(kind, "baseline webhook (HMAC + insert)",
            f"{base:,.0f} req/s · p50 {load['baseline'].percentile(50):.0f} ms · "
            f"p99 {load['baseline'].percentile(99):.0f} ms", "1.00", "", "")]
    base_p99 = load["baseline"].percentile(99)
    for phase, target in TARGETS.items():
        measured = load[phase]
        ratio = measured.throughput / base if base else 0
        p99 = measured.percentile(99)
        errors = f" · errors {measured.errors}" if measured.errors else ""
        out.append((kind, f"Relay webhook acknowledges, {phase}",
                    f"{measured.throughput:,.0f} req/s · p50 {measured.percentile(50):.0f} ms · "
                    f"p99 {p99:.0f} ms{errors}", f"{ratio:.2f} · p99 {p99 / base_p99:.2f}",
                    f"≥ {target} × baseline, p99 ≤ {P99_FACTOR} × baseline's",
                    _verdict(ratio >= target and p99 <= P99_FACTOR * base_p99
                             and not measured.errors)))
    out += _queue_rows(kind, result, base)
    serial = {phase: load[f"serial {phase}"].percentile(50)
              for phase in ("baseline", "new lead", "continuation", "statuses")}
    out.append((kind, "one request at a time: p50 service time (baseline · new lead · "
                "continuation · statuses)", " · ".join(f"{ms:.1f} ms" for ms in serial.values()),
                " · ".join(f"{serial['baseline'] / ms:.2f}" for ms in serial.values()),
                "", ""))
    if figures:  # not in a BENCH_ONLY=webhook run
        out += _in_process_rows(kind, figures, sizes)
    out += _check_rows(kind, checks)
    return out


def _in_process_rows(kind: str, figures: dict, sizes) -> list[tuple]:
    """Routing, the chat list and the dashboard at both sizes; expiry; the waiting line."""
    out = []
    small, large = f"{sizes.small_chats:,}", f"{sizes.large_chats:,}"
    for name, key in (("routing decision (200 pre-sellers)", "routing"),
                      ("chat list page", "list")):
        ratio = figures[f"{key} large ms"] / figures[f"{key} small ms"]
        out.append((kind, f"{name}, {small} → {large} chats",
                    f"{figures[f'{key} small ms']:.1f} ms → {figures[f'{key} large ms']:.1f} ms",
                    f"{ratio:.2f}", f"≤ {SCALING_LIMIT}", _verdict(ratio <= SCALING_LIMIT)))
    out.append(_dashboard_row(kind, figures, small, large))
    out.append((kind, f"expiry sweep over {figures['expired']:,} due chats",
                f"{figures['expiry ms']:.0f} ms", "", f"≤ {EXPIRY_LIMIT_MS} ms",
                _verdict(figures["expiry ms"] <= EXPIRY_LIMIT_MS)))
    out.append(_waiting_line_row(kind, figures))
    return out


def _check_rows(kind: str, checks: dict) -> list[tuple]:
    """Every answered wamid stored once; new leads spread evenly."""
    out = []
    out.append((kind, f"every answered wamid stored exactly once ({CONSUMERS} consumers "
                f"at once routed {checks['routed']:,} deliveries in {checks['routed s']:.1f} s)",
                f"{checks['posted']:,} posted · {checks['missing']} missing · "
                f"{checks['duplicated']} duplicated", "", "0 missing, 0 duplicated",
                _verdict(checks["missing"] == 0 and checks["duplicated"] == 0)))
    out.append((kind, "new leads spread (max − min per pre-seller)",
                f"{checks['spread']} (chats each: {checks['loads']})", "", "≤ 1",
                _verdict(checks["spread"] <= 1)))
    return out


def _queue_rows(kind: str, result: dict, base: float) -> list[tuple]:
    """The consumer: a backlog's drain rate beside the baseline's ingest rate, and the
    receipt-to-routed latency at a steady pace."""
    queue, out = result["queue"], []
    for phase, rate in queue["drain"].items():
        ratio = rate / base if base else 0
        out.append((kind, f"routing drain rate, backlog of {phase} deliveries",
                    f"{rate:,.0f} messages/s", f"{ratio:.2f}",
                    f"≥ {DRAIN_TARGET} × baseline ingest", _verdict(ratio >= DRAIN_TARGET)))
    latency = queue["latency"]
    target = f"p99 < {LATENCY_P99_MS} ms" if kind == "postgresql" else "reported"
    ok = latency["count"] == latency["expected"] and (
        kind != "postgresql" or latency["p99"] < LATENCY_P99_MS)
    out.append((kind, f"receipt to routed at a steady {STEADY_RATE} deliveries/s",
                f"p50 {latency['p50']:.0f} ms · p99 {latency['p99']:.0f} ms · "
                f"{latency['count']:,}/{latency['expected']:,} routed", "", target,
                _verdict(ok)))
    return out


def _dashboard_row(kind: str, figures: dict, small: str, large: str) -> tuple:
    """The dashboard for 30 days (team now and every report): at most 300 ms at the large
    size, and at most 1.5 × its time at the small one."""
    took_small, took_large = figures["dashboard small ms"], figures["dashboard large ms"]
    ratio = took_large / took_small
    return (kind, f"dashboard, 30 days, 200 pre-sellers, {small} → {large} chats",
            f"{took_small:.1f} ms → {took_large:.1f} ms", f"{ratio:.2f}",
            f"≤ {DASHBOARD_LIMIT_MS} ms and ≤ {SCALING_LIMIT}",
            _verdict(took_large <= DASHBOARD_LIMIT_MS and ratio <= SCALING_LIMIT))


def _waiting_line_row(kind: str, figures: dict) -> tuple:
    """The waiting line giving out its chats: the time is reported; all must go, evenly."""
    return (kind, f"waiting line: {WAITING_CHATS:,} waiting chats given out as "
            f"{COMING_ONLINE} pre-sellers come online (set-based)",
            f"{figures['waiting line ms']:.0f} ms · {figures['given out']:,} given · "
            f"spread {figures['waiting spread']}", "", "reported; all given, spread ≤ 1",
            _verdict(figures["given out"] == WAITING_CHATS and figures["waiting spread"] <= 1))


def markdown(table: list[tuple], sizes, took: float) -> str:
    """The table as Markdown, with how it was measured."""
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"# Benchmark results ({sizes.label} run, {when}, {took:.0f} s)", "",
             f"gunicorn with {WORKERS} sync workers for Relay and for the baseline; "
             f"{sizes.concurrency} client threads on loopback; at most {sizes.requests:,} requests "
             f"or {sizes.seconds:.0f} s per phase, both apps serving at once and taking turns in "
             f"{ROUNDS} rounds whose figures are added up. Ratios are taken within this one run. "
             f"The webhook's POSTs are answered in front of Flask (webhooks.fast_path). "
             f"The delivery consumer runs in its own process for the steady latency, in the "
             f"bench's for the drains; the backlogs hold {sizes.backlog:,} deliveries each.", "",
             "| database | measure | value | ratio | target | |", "|---|---|---|---|---|---|"]
    lines += ["| " + " | ".join(row) + " |" for row in table]
    return "\n".join(lines) + "\n"


def chart(results: dict, path: Path) -> None:
    """Throughput beside the baseline, and each ratio against its target."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    kinds = list(results)
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    phases = ("baseline", "new lead", "continuation", "statuses")
    width = 0.2
    for n, phase in enumerate(phases):
        values = [results[k]["load"][phase].throughput for k in kinds]
        left.bar([i + n * width for i in range(len(kinds))], values, width, label=phase)
    left.set_xticks([i + 1.5 * width for i in range(len(kinds))], kinds)
    left.set_ylabel("requests / s")
    left.set_title("Webhook throughput")
    left.legend()
    labels, values, limits = [], [], []
    for k in kinds:
        load, fig_ = results[k]["load"], results[k]["figures"]
        base = load["baseline"].throughput or 1
        for phase, target in TARGETS.items():
            labels.append(f"{k}\n{phase}")
            values.append(load[phase].throughput / base)
            limits.append(("≥", target))
        for key in ("routing", "list", "dashboard"):
            labels.append(f"{k}\n{key} scaling")
            values.append(fig_[f"{key} large ms"] / fig_[f"{key} small ms"])
            limits.append(("≤", SCALING_LIMIT))
    colours = ["tab:green" if (v >= t if op == "≥" else v <= t) else "tab:red"
               for v, (op, t) in zip(values, limits, strict=True)]
    right.bar(range(len(values)), values, color=colours)
    for i, (_op, t) in enumerate(limits):
        right.plot([i - 0.4, i + 0.4], [t, t], color="black", linewidth=1)
    right.set_xticks(range(len(values)), labels, fontsize=7, rotation=35, ha="right")
    right.set_title("Ratios (green: target met; black line: target)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write(results: dict, sizes, took: float, partial: bool = False) -> None:
    """Print the table and write results.md and results.png beside this module; a partial
    run (BENCH_ONLY) writes only its table, to bench/out/, never over a full run's."""
    table = [row for kind, result in results.items() for row in rows(kind, result, sizes)]
    text = markdown(table, sizes, took)
    print(text)
    if partial:
        target = HERE / "out" / "results-partial.md"
        target.parent.mkdir(exist_ok=True)
        target.write_text(text)
        print(f"Wrote {target} (a partial run: bench/results.md is left as it was).")
        return
    (HERE / "results.md").write_text(text)
    chart(results, HERE / "results.png")
    print(f"Wrote {HERE / 'results.md'} and {HERE / 'results.png'}.")
