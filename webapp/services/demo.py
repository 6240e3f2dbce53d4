"""The demo team that `make run` seeds on first run."""
import secrets
from pathlib import Path

from sqlalchemy import select

from ..extensions import db
from ..models import MANAGER, PRE_SELLER, Group, User
from ..private_files import write_private_file
from .accounts import create_user

CREDENTIALS_FILE = "demo-credentials.txt"
MANAGER_EMAIL = "manager@relay.test"
TEAMS = {
    "Team North": [("Ana Souza", "ana@relay.test"), ("Bruno Lima", "bruno@relay.test"),
                   ("Carla Dias", "carla@relay.test")],
    "Team South": [("Diego Rocha", "diego@relay.test"), ("Elisa Nunes", "elisa@relay.test"),
                   ("Fabio Melo", "fabio@relay.test")],
}


def seed_demo(credentials_file: Path) -> bool:
    """Create the demo team unless it exists; write fresh passwords to credentials_file."""
    if db.session.scalar(select(User.id).where(User.email == MANAGER_EMAIL)):
        return False
    lines = ["Demo sign-ins (e-mail / password):"]

    def add(email: str, name: str, role: str) -> User:
        password = secrets.token_urlsafe(9)
        lines.append(f"  {role:<10} {email:<22} {password}")
        return create_user(email, name, role, password)

    add(MANAGER_EMAIL, "Maria Manager", MANAGER)
    for team, members in TEAMS.items():
        group = Group(name=team, members=[add(email, name, PRE_SELLER) for name, email in members])
        db.session.add(group)
    db.session.flush()
    write_private_file(credentials_file, "\n".join(lines) + "\n")
    return True
