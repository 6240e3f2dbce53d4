"""`reprocess-events` (retry stored deliveries) and `simulate-inbound` (a signed test message)."""
import json
from pathlib import Path

import click
import requests
from flask import current_app

from ..db import utcnow
from ..services import deliveries
from ..whatsapp.media import SandboxMedia
from ..whatsapp.signature import SIGNATURE_HEADER, sign
from ..whatsapp.simulate import image_delivery, text_delivery
from . import handling

# Written by `make run` into instance/: the address it serves on, as this machine reaches it.
SERVER_URL_FILE = "server-url"
DEFAULT_RELAY_URL = "http://127.0.0.1:5000"


@click.command("reprocess-events")
@click.option("--limit", default=500, show_default=True, help="At most this many events.")
def reprocess_events_command(limit):
    """Retry now the stored webhook deliveries that failed (dead, or waiting for their next
    retry), oldest first, in one batch."""
    event_ids = deliveries.failing_ids(limit)
    if not event_ids:
        click.echo("No webhook events wait for processing.")
        return
    processed = handling.consume_batch(limit, ids=event_ids)
    failed = 0
    for item in sorted(processed, key=lambda item: item.attempt.id):
        result, attempt = item.result, item.attempt
        if attempt.failure is None and result is not None:
            click.echo(f"Event {attempt.id}: processed ({result.messages} new messages, "
                       f"{result.duplicates} duplicates, {result.statuses} status updates).")
        else:
            failed += 1
            click.echo(f"Event {attempt.id}: failed again: {attempt.error}")
    click.echo(f"{len(processed) - failed} processed, {failed} still failing.")


@click.command("simulate-inbound")
@click.option("--wa-id", help="The lead's WhatsApp number, e.g. 5511987654321.")
@click.option("--user-id", help="The lead's business-scoped user id (a hidden number).")
@click.option("--name", required=True, help="The lead's WhatsApp profile name.")
@click.option("--text", help="What the lead writes (with --image: the photo's caption).")
@click.option("--image", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A photo the lead sends: copied into the sandbox media store.")
@click.option("--url", help="Relay's address (default: RELAY_URL, else where `make run` "
                            "serves, else http://127.0.0.1:5000).")
def simulate_inbound_command(wa_id, user_id, name, text, image, url):
    """Send the running app a correctly signed webhook with a text message (or a photo)
    from a lead."""
    if not wa_id and not user_id:
        raise click.UsageError("Give the lead's --wa-id (or, for a hidden number, --user-id).")
    if not text and not image:
        raise click.UsageError("Give the lead's --text, or an --image.")
    body = json.dumps(_delivery(wa_id, user_id, name, text or "", image)).encode()
    target = (url or relay_url()).rstrip("/") + "/webhooks/whatsapp"
    headers = {"Content-Type": "application/json",
               SIGNATURE_HEADER: sign(body, current_app.config["WHATSAPP_APP_SECRET"])}
    try:
        response = requests.post(target, data=body, headers=headers, timeout=(3.05, 30))
    except requests.RequestException as error:
        raise click.ClickException(f"Could not reach Relay at {target} ({error}). "
                                   "Is it running (make run)?") from error
    click.echo(f"{response.status_code} {response.reason}")
    click.echo(response.text.strip())
    if response.status_code >= 400:
        raise click.exceptions.Exit(1)


def _delivery(wa_id, user_id, name: str, text: str, image: Path | None) -> dict:
    """A text message, or a photo whose file the sandbox media store now holds (the running
    app's fetcher resolves its sandbox media id to that copy, in sandbox mode)."""
    if image is None:
        return text_delivery(wa_id=wa_id, user_id=user_id, name=name, text=text, at=utcnow())
    media_id, mime_type = SandboxMedia(current_app.config["MEDIA_ROOT"]).put(image)
    return image_delivery(wa_id=wa_id, user_id=user_id, name=name, media_id=media_id,
                          mime_type=mime_type, caption=text, at=utcnow())


def relay_url() -> str:
    """Where the running Relay is: RELAY_URL, else where `make run` serves, else the default."""
    if current_app.config.get("RELAY_URL"):
        return current_app.config["RELAY_URL"]
    noted = Path(current_app.instance_path) / SERVER_URL_FILE
    url = noted.read_text().strip() if noted.is_file() else ""
    return url or DEFAULT_RELAY_URL
