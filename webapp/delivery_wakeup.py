"""The in-process wake-up of the delivery consumers: the webhook sets it after committing a
delivery, so a consumer in this process routes it at once (the only wake-up on SQLite;
PostgreSQL's NOTIFY also reaches consumers in other processes)."""
import threading

from flask import Flask

WAKE = "relay_delivery_wake"


def init_app(app: Flask) -> None:
    """Give the app its in-process wake-up."""
    app.extensions[WAKE] = threading.Event()


def wake_consumers(app: Flask) -> None:
    """Wake this process's consumers: a delivery was just committed."""
    event = app.extensions.get(WAKE)
    if event is not None:
        event.set()
