"""An inbound media message's file, only for people who may see its chat."""
from flask import abort, send_file
from flask_login import current_user, login_required

from ..domain.media import shown_inline
from ..services.media import file_path, media_for_viewer
from . import bp


@bp.get("/<int:chat_id>/media/<int:message_id>")
@login_required
def media(chat_id, message_id):
    """The file with its own type; a document is always a download. Anyone who may not see
    the chat (or a file not kept) gets 404. Never stored by the browser (security_headers)."""
    found = media_for_viewer(chat_id, message_id, current_user)
    if found is None:
        abort(404)
    path = file_path(found)
    if not path.is_file():
        abort(404)
    return send_file(path, mimetype=found.mime_type, conditional=True,
                     as_attachment=not shown_inline(found.kind),
                     download_name=found.file_name or None, max_age=0)
