"""`flask --app wsgi create-api-token EMAIL`: a manager's token for the read API."""
import click

from ..db import utcnow
from ..extensions import db
from ..services.api_tokens import ApiTokenError, create_api_token


@click.command("create-api-token")
@click.argument("email")
def create_api_token_command(email):
    """Make a read-API token for a manager; the token is printed alone on the last line."""
    try:
        user, token = create_api_token(email, utcnow())
    except ApiTokenError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"API token for {user.email}. It is shown only this once; Relay keeps only "
               f"its hash. Send it as 'Authorization: Bearer <token>'.")
    click.echo(token)
