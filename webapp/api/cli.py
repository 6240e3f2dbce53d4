"""`flask --app wsgi create-api-token` and `revoke-api-token`: read-API tokens by hand."""
import click

from ..db import utcnow
from ..extensions import db
from ..models import ApiToken
from ..services import accounts, api_tokens


def _user(email: str):
    """The user with this e-mail, or a command-line error."""
    user = accounts.user_by_email(email)
    if user is None:
        raise click.ClickException(f"No user with the e-mail {email}.")
    return user


@click.command("create-api-token")
@click.argument("email")
@click.option("--name", default="API token", show_default=True,
              help="What the token is for, as listed on Settings → API tokens.")
@click.option("--expires-days", type=click.IntRange(min=1), default=None,
              help="Days until the token stops working (default: until revoked).")
def create_api_token_command(email, name, expires_days):
    """Make a read-API token for a manager; the token is printed alone on the last line."""
    user = _user(email)
    try:
        token = api_tokens.create_api_token(user, utcnow(), name, expires_days)
    except api_tokens.ApiTokenError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    until = f" It expires in {expires_days} days." if expires_days else ""
    click.echo(f"API token for {user.email}.{until} It is shown only this once; Relay keeps "
               f"only its hash. Send it as 'Authorization: Bearer <token>'.")
    click.echo(token)


def _token(token_id: int | None, prefix: str | None) -> ApiToken:
    """The token named by its id or by its first characters, or a command-line error."""
    if token_id is not None:
        token = db.session.get(ApiToken, token_id)
        if token is None:
            raise click.ClickException(f"No API token with id {token_id}.")
        return token
    try:
        return api_tokens.token_by_prefix(prefix or "")
    except api_tokens.ApiTokenError as error:
        raise click.ClickException(str(error)) from error


@click.command("revoke-api-token")
@click.option("--id", "token_id", type=int, help="The token's id (Settings → API tokens).")
@click.option("--prefix", help="The token's first characters, or the whole token.")
@click.option("--user", "email", help="Revoke every token of this user.")
def revoke_api_token_command(token_id, prefix, email):
    """Revoke a read-API token for good (or all of a user's): it stops working at once."""
    if sum(given is not None for given in (token_id, prefix, email)) != 1:
        raise click.UsageError("Name the token by --id or --prefix, or give --user for all "
                               "of someone's tokens.")
    if email is not None:
        user = _user(email)
        count = api_tokens.revoke_tokens_of(user.id, utcnow())
        db.session.commit()
        click.echo(f"Revoked {count} token{'' if count == 1 else 's'} of {user.email}.")
        return
    token = _token(token_id, prefix)
    what = f"token {token.id} '{token.name}' of {token.user.email}"
    revoked = api_tokens.revoke_token(token, utcnow())
    db.session.commit()
    click.echo(f"Revoked {what}: it no longer works." if revoked
               else f"The {what} was already revoked.")
