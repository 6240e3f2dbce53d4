"""Everything an app has is registered by create_app: importing a module changes no app."""
import subprocess
import sys
from pathlib import Path

from tests.conftest import _test_config
from webapp import create_app

# Run in a fresh interpreter: this one has built apps already (the fixtures).
IMPORT_EVERYTHING = """
import importlib, pkgutil
from flask import Flask
import webapp
for module in pkgutil.walk_packages(webapp.__path__, "webapp."):
    importlib.import_module(module.name)
from webapp.blueprints import register_blueprints
from webapp.extensions import login_manager

bare, served = Flask("bare"), Flask("served")
register_blueprints(served)  # every area's blueprint, on an app the factory did not build
assert set(served.jinja_env.filters) == set(bare.jinja_env.filters), "template filters"
assert set(served.jinja_env.globals) == set(bare.jinja_env.globals), "template globals"
assert set(served.cli.list_commands(None)) == set(bare.cli.list_commands(None)), "commands"
assert login_manager._user_callback is None, "user loader"
assert login_manager.unauthorized_callback is None, "unauthorized handler"
"""


def test_importing_every_module_and_blueprint_registers_nothing_on_an_app():
    project = Path(__file__).resolve().parent.parent
    result = subprocess.run([sys.executable, "-c", IMPORT_EVERYTHING], cwd=project,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_two_apps_from_the_factory_each_have_everything_and_share_none_of_it(database_url,
                                                                              tmp_path):
    first = create(database_url, tmp_path / "first")
    second = create(database_url, tmp_path / "second")
    for app in (first, second):
        assert {"moment", "iso_utc", "reason"} <= set(app.jinja_env.filters)
        assert {"chat_refusal", "nav_items", "is_online"} <= set(app.jinja_env.globals)
        assert {"create-user", "run-jobs", "sweep", "simulate-inbound"} <= \
            set(app.cli.list_commands(None))
        with app.test_request_context("/inbox"):
            assert app.login_manager.unauthorized().status_code == 302
    first.add_template_filter(str.upper, "shout")
    assert "shout" not in second.jinja_env.filters
    assert first.jinja_env.globals is not second.jinja_env.globals


def create(database_url, instance: Path):
    """An app from the factory on the test database."""
    return create_app(_test_config(database_url, instance))
