"""A team always keeps an active manager, even when two managers act at the same instant;
`flask --app wsgi set-role` gives a team its manager back."""
import threading

import pytest
from sqlalchemy import func, select

from tests.conftest import PASSWORD
from webapp.extensions import db
from webapp.models import MANAGER, PRE_SELLER, User
from webapp.services import accounts


def active_managers() -> int:
    """How many active managers the database holds now."""
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(User).where(
        User.role == MANAGER, User.active.is_(True)))


def race(app, moves) -> list:
    """Run each (actor_id, target_id, change) in its own thread and transaction at once.

    Each thread makes its change, then waits (up to 3 s) for the other to have made its own
    before committing, so that without locks both would read two managers and both commit.
    Returns None for a committed change, or the AccountError that refused it.
    """
    db.session.remove()  # the test's own session must hold no transaction (SQLite lock)
    ready = threading.Barrier(len(moves), timeout=3)
    results = [None] * len(moves)

    def run(n, actor_id, target_id, change):
        with app.app_context():
            try:
                change(db.session.get(User, target_id), db.session.get(User, actor_id))
                try:
                    ready.wait()
                except threading.BrokenBarrierError:
                    pass  # the other thread is waiting for our locks: commit to release them
                db.session.commit()
            except accounts.AccountError as error:
                db.session.rollback()
                results[n] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(n, *move)) for n, move in enumerate(moves)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def demote(target, actor):
    """The Users page's role change to pre-seller."""
    accounts.change_role(target, PRE_SELLER, actor)


def deactivate(target, actor):
    """The Users page's deactivation."""
    accounts.set_active(target, False, actor)


@pytest.mark.parametrize("first, second", [(demote, demote), (deactivate, deactivate),
                                           (demote, deactivate)])
def test_two_managers_removing_each_other_at_once_leave_one(app, make_user, first, second):
    maria = make_user(role=MANAGER, name="Maria")
    marta = make_user(role=MANAGER, name="Marta")
    ids = maria.id, marta.id
    results = race(app, [(ids[0], ids[1], first), (ids[1], ids[0], second)])
    assert sorted(result is None for result in results) == [False, True], results
    refusal = next(result for result in results if result is not None)
    assert "no longer an active manager" in str(refusal) or "last active manager" in str(refusal)
    assert active_managers() == 1


def test_the_last_active_manager_cannot_be_demoted_or_deactivated_by_anyone(make_user):
    maria = make_user(role=MANAGER, name="Maria")
    make_user(role=MANAGER, name="Gone", active=False)
    for change in (lambda: accounts.change_role(maria, PRE_SELLER, actor=None),
                   lambda: accounts.set_active(maria, False, actor=None)):
        with pytest.raises(accounts.AccountError, match="Maria is the last active manager"):
            change()
        db.session.rollback()
    assert active_managers() == 1


def test_a_manager_demoted_meanwhile_can_no_longer_change_roles(make_user):
    make_user(role=MANAGER, name="Maria")
    marta = make_user(role=MANAGER, name="Marta")
    ana = make_user(name="Ana")
    stale_marta = db.session.get(User, marta.id)  # as loaded when her request began
    db.session.execute(User.__table__.update().where(User.id == marta.id)
                       .values(role=PRE_SELLER))  # Maria demoted her meanwhile
    with pytest.raises(accounts.AccountError, match="no longer an active manager"):
        accounts.change_role(ana, MANAGER, stale_marta)
    db.session.rollback()
    assert db.session.get(User, ana.id).role == PRE_SELLER


def test_set_role_gives_a_team_without_managers_one_back(app, runner, make_user):
    maria = make_user(role=MANAGER, name="Maria", active=False)
    result = runner.invoke(args=["set-role", maria.email.upper(), "manager"])
    assert result.exit_code == 0, result.output
    assert f"{maria.email} is now an active manager." in result.output
    assert active_managers() == 1
    client = app.test_client()
    assert client.post("/login", data={"email": maria.email,
                                       "password": PASSWORD}).status_code == 303


def test_set_role_promotes_and_demotes_and_ends_sessions(app, runner, make_user, manager):
    ana = make_user(name="Ana")
    browser = app.test_client()
    browser.post("/login", data={"email": ana.email, "password": PASSWORD})
    result = runner.invoke(args=["set-role", ana.email, "manager"])
    assert result.exit_code == 0 and f"{ana.email} is now a manager." in result.output
    assert browser.get("/account").status_code == 302
    again = runner.invoke(args=["set-role", ana.email, "manager"])
    assert "already an active manager" in again.output
    back = runner.invoke(args=["set-role", ana.email, "pre-seller"])
    assert back.exit_code == 0 and active_managers() == 1


def test_set_role_never_demotes_the_last_manager(runner, manager):
    result = runner.invoke(args=["set-role", manager.email, "pre-seller"])
    assert result.exit_code != 0 and "last active manager" in result.output
    assert active_managers() == 1


def test_set_role_refuses_unknown_people_and_roles(runner):
    assert "No user" in runner.invoke(args=["set-role", "nobody@x.test", "manager"]).output
    assert runner.invoke(args=["set-role", "nobody@x.test", "owner"]).exit_code == 2
