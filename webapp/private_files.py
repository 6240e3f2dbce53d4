"""Files only their owner may read (generated secrets, demo passwords)."""
import os
import secrets
from pathlib import Path


def write_private_file(path: Path, text: str) -> None:
    """Write text to path as a file created 0600, replacing any older copy at once.

    The file is born private (os.open with mode 0o600; a umask can only take bits away), so
    there is no moment at which another user could read it, as there would be between
    creating a file with default permissions and chmod-ing it. It is written beside its
    final name and moved over it, so a reader never sees half a file and an older,
    more permissive copy is replaced rather than kept.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(draft, path)
    except BaseException:
        draft.unlink(missing_ok=True)
        raise


def create_private_file(path: Path) -> None:
    """Create an empty file 0600 unless it exists (a file that exists keeps its mode).

    SQLite creates its database with the process's default mode (often 0644, readable by
    every user of the machine) and its -wal and -shm files with the database's mode, so
    creating the database file first keeps all three private.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
