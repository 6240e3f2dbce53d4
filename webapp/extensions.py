"""Flask extensions, created unbound and initialised in create_app()."""
from typing import TYPE_CHECKING

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Declarative base shared by every model."""


babel = Babel()
db = SQLAlchemy(model_class=Base)
# Models derive from db.Model, a class Flask-SQLAlchemy builds at run time from Base that
# type checkers cannot follow; to them it is Base, whose mapping it shares.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
