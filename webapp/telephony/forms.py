"""Reading the chat list's filters from the query string, forgivingly."""
from werkzeug.datastructures import MultiDict

from ..domain.inputs import parse_id
from ..domain.limits import SEARCH_LENGTH
from ..services.chat_lists import SORTS, VIEWS, ChatFilter, Cursor


def read_filter(args: MultiDict) -> ChatFilter:
    """The filter in the URL; unknown values fall back to the default view."""
    view = args.get("view", "open")
    return ChatFilter(view=view if view in VIEWS else "open",
                      assignee_id=parse_id(args.get("assignee")),
                      group_id=parse_id(args.get("group")),
                      search=(args.get("q") or "").strip()[:SEARCH_LENGTH],
                      sort=sort if (sort := args.get("sort", "")) in SORTS else "")


def read_cursor(args: MultiDict) -> Cursor | None:
    """The page asked for: older than a row (`before`), newer than a row (`after`), or first."""
    if args.get("before"):
        return Cursor.parse(args["before"], older=True)
    return Cursor.parse(args.get("after"), older=False)
