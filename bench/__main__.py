"""`python -m bench` (BENCH_ONLY=dashboard: the dashboard row alone)."""
import os

if os.environ.get("BENCH_ONLY") == "dashboard":
    from .dashboard_only import main
else:
    from .run import main

main()
