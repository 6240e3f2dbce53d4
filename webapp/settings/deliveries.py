"""Settings → Failed deliveries: webhook deliveries that died after their retries; retry."""
from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from ..auth.access import manager_required
from ..delivery_wakeup import wake_consumers
from ..extensions import db
from ..services import deliveries
from ..wording import delivery_failure_text
from . import bp

# The page lists the most recent deaths; `reprocess-events` reaches any number.
PAGE_SIZE = 200


@bp.get("/deliveries")
@manager_required
def deliveries_page():
    """Dead deliveries, the latest first, with when, how often and why they failed."""
    return render_template("settings/deliveries.html", dead=deliveries.dead(PAGE_SIZE),
                           failure_text=delivery_failure_text)


@bp.post("/deliveries/<int:event_id>/retry")
@manager_required
def retry_delivery(event_id):
    """Give one dead delivery one more attempt, at once."""
    return _retried(deliveries.revive([event_id]))


@bp.post("/deliveries/retry")
@manager_required
def retry_all_deliveries():
    """Give every dead delivery one more attempt, at once."""
    return _retried(deliveries.revive(None))


def _retried(count: int):
    """Commit, wake this process's consumer, say what happened, back to the page."""
    db.session.commit()
    wake_consumers(current_app)  # PostgreSQL's NOTIFY reaches the other processes
    if count:
        flash(ngettext("%(num)d delivery will be processed again now.",
                       "%(num)d deliveries will be processed again now.", count), "info")
    else:
        flash(_("That delivery is no longer dead: it was retried already."), "info")
    return redirect(url_for(".deliveries_page"), 303)

