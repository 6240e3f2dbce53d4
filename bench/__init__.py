"""`make bench`: Relay's webhook, routing, chat list and expiry sweep, measured in one run
beside a bare-stack baseline, on SQLite and on PostgreSQL. See bench/README in README.md."""
