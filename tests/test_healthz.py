"""GET /healthz: 200 with the database answering and each job's last runs; 503 otherwise."""
from datetime import timedelta

from webapp import create_app, jobs
from webapp.db import utcnow


def test_healthy_with_each_jobs_last_successful_run(app, client):
    now = utcnow()
    jobs.run_job("expire-chats", now, "runner-a", ttl=timedelta(minutes=3), keep_lease=False)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert (body["status"], body["database"]) == ("ok", "ok")
    assert body["jobs"]["expire-chats"]["state"] == "ok"
    assert body["jobs"]["expire-chats"]["last_success_at"] == now.isoformat()
    assert body["jobs"]["offline-owners"]["state"] == "never-run"


def test_a_job_that_stopped_running_is_reported_overdue(app, client):
    long_ago = utcnow() - timedelta(hours=1)
    jobs.run_job("expire-chats", long_ago, "runner-a", ttl=timedelta(minutes=3),
                 keep_lease=False)
    assert client.get("/healthz").get_json()["jobs"]["expire-chats"]["state"] == "overdue"


def test_an_unreachable_database_answers_503_with_a_reason(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "WHATSAPP_APP_SECRET": "x",
                      "WHATSAPP_VERIFY_TOKEN": "x", "SCHEDULER_ENABLED": False,
                      "DATABASE_URL": "postgresql://postgres@127.0.0.1:9/nowhere"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "unreachable",
                                   "reason": "The database does not answer."}


def test_the_health_check_needs_no_sign_in(client):
    assert client.get("/healthz").status_code == 200
