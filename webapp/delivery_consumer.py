"""The delivery consumer: a thread that routes stored webhook deliveries, woken at once.

It runs wherever the jobs run (`flask --app wsgi run-jobs`, or `make run`'s server), and
any number of consumers may run at once on several hosts: each batch is claimed with
FOR UPDATE SKIP LOCKED (services.deliveries). It is woken the moment a delivery commits:
on PostgreSQL by LISTEN/NOTIFY (the webhook notifies in its transaction), in this process
by an in-process event the webhook sets after committing; a short poll
(DELIVERY_POLL_SECONDS) picks up retries that fall due and, on SQLite, deliveries stored
by other processes.
"""
import logging
import threading
from typing import Any

from flask import Flask

from .delivery_wakeup import WAKE
from .extensions import db
from .logsafe import describe_error, safe_exc_info
from .services.deliveries import CHANNEL
from .webhooks import handling

log = logging.getLogger(__name__)


class DeliveryConsumer:
    """One consumer thread: drain the due deliveries, then wait for a wake-up or the poll."""

    def __init__(self, app: Flask, name: str = "delivery-consumer") -> None:
        """A consumer of this app's deliveries (not started)."""
        self.app = app
        self.wake: threading.Event = app.extensions[WAKE]
        self.stopping = threading.Event()
        # Set once the first drain is done and the consumer waits for wake-ups (listening,
        # on PostgreSQL): a delivery committed from then on is heard at once.
        self.waiting = threading.Event()
        self.poll = float(app.config["DELIVERY_POLL_SECONDS"])
        self.batch_size = int(app.config["DELIVERY_BATCH_SIZE"])
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._listener: Any = None

    def start(self) -> "DeliveryConsumer":
        """Start consuming in the background."""
        self.thread.start()
        return self

    def stop(self, timeout: float = 30) -> None:
        """Let the current batch finish, then stop."""
        self.stopping.set()
        self.wake.set()
        if self.thread.is_alive():
            self.thread.join(timeout)

    def drain_once(self) -> int:
        """Route every due delivery now, batch after batch; how many deliveries were done.
        A failure is logged and waits for the next wake-up (the batch was rolled back)."""
        with self.app.app_context():
            try:
                return len(handling.drain(self.batch_size))
            except Exception as error:  # noqa: BLE001 - keep consuming after any failure
                log.error("the delivery consumer failed: %s", describe_error(error),
                          exc_info=safe_exc_info(error))
                return 0
            finally:
                db.session.remove()

    def _run(self) -> None:
        """Drain, wait, repeat, until stopped."""
        log.info("delivery consumer started (poll %.1f s, batches of %d)", self.poll,
                 self.batch_size)
        while not self.stopping.is_set():
            self.wake.clear()  # a delivery committed from now on wakes the next wait
            self.drain_once()
            self._wait()
        self._close_listener()

    def _wait(self) -> None:
        """Until woken (in-process event, or a PostgreSQL notification) or the poll."""
        listener = self._listen()
        self.waiting.set()
        if listener is None or self.wake.is_set():
            self.wake.wait(self.poll)
            return
        try:
            for _ in listener.notifies(timeout=self.poll, stop_after=1):
                pass
        except Exception as error:  # noqa: BLE001 - the connection broke: poll, reconnect
            log.warning("delivery consumer lost its LISTEN connection: %s",
                        describe_error(error))
            self._close_listener()
            self.stopping.wait(self.poll)

    def _listen(self) -> Any:
        """This consumer's LISTEN connection on PostgreSQL (opened once); None on SQLite."""
        if self._listener is not None:
            return self._listener
        with self.app.app_context():
            engine = db.engine
        if engine.dialect.name != "postgresql":
            return None
        try:
            raw = engine.raw_connection()
            connection = raw.driver_connection
            raw.detach()  # its own connection, never handed back to the pool
            connection.autocommit = True  # type: ignore[union-attr]
            connection.execute(f"LISTEN {CHANNEL}")  # type: ignore[union-attr]
        except Exception as error:  # noqa: BLE001 - the database may be away: poll meanwhile
            log.warning("delivery consumer cannot LISTEN yet: %s", describe_error(error))
            return None
        self._listener = connection
        return connection

    def _close_listener(self) -> None:
        """Close the LISTEN connection, if any."""
        if self._listener is not None:
            try:
                self._listener.close()
            except Exception:  # noqa: BLE001,S110 - it is going away anyway
                pass
            self._listener = None
