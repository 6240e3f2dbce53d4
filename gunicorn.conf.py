"""Gunicorn settings for serving Relay (`make serve`; `gunicorn -c gunicorn.conf.py wsgi:app`).

Threaded workers, so that clients that send their headers and then trickle the body (or
simply sit on a slow network) each hold one thread, not a whole worker: with sync workers
four such connections took every worker and /healthz stopped answering. A host absorbs up
to workers x threads slow clients at once; tests/test_serving.py checks that /healthz keeps
answering while 8 are connected. Every value can be set from the environment.
"""
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "16"))
# Idle keep-alive connections are closed quickly; they cost a slot in the worker's poller.
keepalive = int(os.environ.get("WEB_KEEPALIVE_SECONDS", "5"))
# A worker whose main loop stops answering (not a slow client) is restarted after this.
timeout = int(os.environ.get("WEB_TIMEOUT_SECONDS", "30"))
graceful_timeout = 20
