"""Settings → Quick replies: the team's ready-made texts, inserted with '/' in a reply."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ..auth.access import manager_required
from ..extensions import db
from ..models import QuickReply
from ..services import quick_replies as service
from . import bp
from .reply_forms import QuickReplyForm


def _page(form=None, editing=None, status=200):
    """The page; `editing` = (quick reply id, form) of an edit form with errors."""
    return render_template("settings/quick_replies.html",
                           quick_replies=service.all_quick_replies(),
                           form=form or QuickReplyForm(), editing=editing or (None, None)), status


def _save(quick_reply: QuickReply | None, form: QuickReplyForm):
    """Save from a valid form, or show its errors beside the fields (422)."""
    if not form.validate():
        if quick_reply is None:
            return _page(form=form, status=422)
        return _page(editing=(quick_reply.id, form), status=422)
    saved = service.save_quick_reply(quick_reply, title=form.title.data, text=form.text.data)
    db.session.commit()
    flash(_("Quick reply “%(title)s” saved.", title=saved.title), "info")
    return redirect(url_for(".quick_replies"), 303)


@bp.get("/quick-replies")
@manager_required
def quick_replies():
    """The team's quick replies."""
    return _page()


@bp.post("/quick-replies")
@manager_required
def create_quick_reply():
    """Add a quick reply."""
    return _save(None, QuickReplyForm())


@bp.post("/quick-replies/<int:quick_reply_id>")
@manager_required
def update_quick_reply(quick_reply_id):
    """Change a quick reply."""
    return _save(db.session.get(QuickReply, quick_reply_id) or abort(404), QuickReplyForm())


@bp.post("/quick-replies/<int:quick_reply_id>/delete")
@manager_required
def delete_quick_reply(quick_reply_id):
    """Remove a quick reply."""
    quick_reply = db.session.get(QuickReply, quick_reply_id) or abort(404)
    title = quick_reply.title
    service.delete_quick_reply(quick_reply)
    db.session.commit()
    flash(_("Quick reply “%(title)s” deleted.", title=title), "info")
    return redirect(url_for(".quick_replies"), 303)
