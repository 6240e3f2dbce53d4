"""Errors described for logs and stored records without the data they carry.

A database error's text holds the statement, its parameters and the server's DETAIL line
(lead names, numbers, message text, a password hash): logs and stored errors name its
classes only; the caller adds the ids of what it was doing. Other exceptions keep their
first line, which our code writes.
"""
from collections.abc import Iterator

from sqlalchemy.exc import SQLAlchemyError

# Driver modules whose exceptions quote the data of the failed statement.
DATABASE_DRIVERS = {"psycopg", "psycopg2", "sqlite3"}


class RedactedError(Exception):
    """Stands in for a database error in a logged traceback: same frames, no data."""


def _chain(error: BaseException | None) -> Iterator[BaseException]:
    """The error and every exception it was raised from or while handling."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        yield error
        error = error.__cause__ or error.__context__


def is_database_error(error: BaseException) -> bool:
    """True when the error, or one it came from, is a database error (and quotes data)."""
    return any(isinstance(link, SQLAlchemyError)
               or type(link).__module__.split(".")[0] in DATABASE_DRIVERS
               for link in _chain(error))


def _database_classes(error: BaseException) -> str:
    """'IntegrityError (UniqueViolation, SQLSTATE 23505)': the classes, never the text."""
    names = [type(error).__name__]
    original = getattr(error, "orig", None) or error.__cause__
    if original is not None and type(original).__name__ not in names:
        names.append(type(original).__name__)
    code = getattr(original, "sqlstate", None) or getattr(original, "sqlite_errorname", None)
    if code:
        names.append(f"SQLSTATE {code}" if getattr(original, "sqlstate", None) else code)
    return names[0] + (f" ({', '.join(names[1:])})" if names[1:] else "")


def describe_error(error: BaseException) -> str:
    """A short description safe to log and store: classes only for database errors,
    the type and first line otherwise."""
    if is_database_error(error):
        return _database_classes(error)
    first_line = (str(error).strip().splitlines() or [""])[0]
    return f"{type(error).__name__}: {first_line}" if first_line else type(error).__name__


def safe_exc_info(error: BaseException) -> tuple:
    """`exc_info` for logging the error: its traceback, and no data of a database error."""
    if not is_database_error(error):
        return type(error), error, error.__traceback__
    stand_in = RedactedError(describe_error(error))
    stand_in.__suppress_context__ = True  # the chained driver error quotes the data too
    return RedactedError, stand_in, error.__traceback__
