"""Guards every request passes before a view sees it: ids in URLs the database can hold, and
query strings free of control characters. Registered by create_app, before the blueprints."""
from flask import Flask, abort, request
from flask_babel import lazy_gettext as _l
from werkzeug.routing import IntegerConverter

from .domain.inputs import MAX_ID, has_control_characters

CONTROL_IN_ADDRESS = _l("The address contains an invisible control character (such as a line "
                        "break or NUL); check the link and try again.")


class DatabaseIdConverter(IntegerConverter):
    """`<int:...>` bounded by the largest id a table can hold: beyond it the URL is a 404."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def refuse_control_characters_in_query() -> None:
    """400 for a query string carrying control characters, before any view reads it."""
    if any(has_control_characters(key) or has_control_characters(value)
           for key, value in request.args.items(multi=True)):
        abort(400, str(CONTROL_IN_ADDRESS))


def register_input_guards(app: Flask) -> None:
    """Bound every `<int:...>` URL part and check every query string (before blueprints)."""
    app.url_map.converters["int"] = DatabaseIdConverter
    app.before_request(refuse_control_characters_in_query)
