"""Bulk transfer on Telephony → Chats: the ticked chats to one person or one group."""
import json

from flask import render_template, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..auth.access import manager_required
from ..chats.forms import BulkTransferForm
from ..chats.transfer import recipients
from ..db import utcnow
from ..extensions import db
from ..models import Chat
from ..services.transfers import TransferError, bulk_transfer
from . import bp


def _dialog(form: BulkTransferForm, *, error: str = "", status: int = 200):
    """The dialog for the ticked chats: which ones, the people and groups, a note."""
    picks = form.chat.data or []
    chats = {chat.id: chat for chat in db.session.scalars(
        select(Chat).options(joinedload(Chat.lead))
        .where(Chat.id.in_([chat_id for chat_id, _ in picks])))}
    error = error or next(iter(form.chat.process_errors), "")
    html = render_template("telephony/_bulk_transfer.html", picks=picks, chats=chats,
                           error=error, chosen=form.to.data, note=form.note.data or "",
                           **recipients(utcnow()))
    return html, status


@bp.get("/chats/transfer")
@manager_required
def bulk_transfer_form():
    """The bulk transfer dialog for the chats ticked in the list, with their versions."""
    return _dialog(BulkTransferForm(formdata=request.args, meta={"csrf": False}))


@bp.post("/chats/transfer")
@manager_required
def bulk_transfer_submit():
    """Transfer each ticked chat, checked on its own; answers with what moved and what not."""
    form = BulkTransferForm()
    if not form.validate():
        return _dialog(form, error=next(iter(form.errors.values()))[0], status=422)
    try:
        result = bulk_transfer(chats=form.chat.data, actor=current_user,
                               note=(form.note.data or "").strip(), now=utcnow(),
                               **form.recipient())
    except TransferError as refusal:
        db.session.rollback()
        return _dialog(form, error=str(refusal), status=422)
    db.session.commit()
    moved, refused = len(result.moved), len(result.refused)
    message = (f"{moved} chat{'' if moved == 1 else 's'} transferred"
               + (f", {refused} refused." if refused else "."))
    html = render_template("telephony/_bulk_summary.html", result=result)
    return html, 200, {"HX-Trigger": json.dumps({"chatsTransferred": {"message": message}})}
