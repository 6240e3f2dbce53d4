"""Message templates: the account's approved ones kept fresh from Meta, the sandbox ones
managers keep, and which of them a chat offers. Services flush; the caller commits."""
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select

from ..domain import templates as rules
from ..domain.codes import TemplateSource
from ..extensions import db
from ..models import Chat, MessageTemplate
from ..whatsapp.templates import TemplateListing, list_templates, not_configured
from .settings import current_settings


class TemplateError(Exception):
    """A sandbox template was refused; `problems` maps each field to a marked sentence."""

    def __init__(self, problems: dict[str, str]):
        super().__init__("; ".join(problems.values()))
        self.problems = problems


@dataclass(frozen=True)
class Refreshed:
    """What reading the account's templates changed."""

    kept: int
    removed: int
    skipped: int


def current_source(config: Mapping) -> TemplateSource:
    """Cloud templates with an access token; sandbox templates without one."""
    sandbox = config.get("SANDBOX") or not config.get("WHATSAPP_ACCESS_TOKEN")
    return TemplateSource.SANDBOX if sandbox else TemplateSource.CLOUD


def templates_of(source: TemplateSource) -> list[MessageTemplate]:
    """Every template of one source, by name and language."""
    return list(db.session.scalars(select(MessageTemplate).where(
        MessageTemplate.source == source).order_by(MessageTemplate.name,
                                                   MessageTemplate.language)))


def templates_for_chat(chat: Chat, config: Mapping) -> list[MessageTemplate]:
    """The templates a chat may send now, those in the lead's language first."""
    return rules.for_lead(templates_of(current_source(config)),
                          rules.lead_language(chat.lead.wa_id))


def template_for_sending(template_id: int | None, config: Mapping) -> MessageTemplate | None:
    """A template of the current source by id (a sandbox one is never sent to Meta)."""
    if template_id is None:
        return None
    template = db.session.get(MessageTemplate, template_id)
    return template if template and template.source == current_source(config) else None


def save_sandbox_template(template: MessageTemplate | None, *, name: str, language: str,
                          category: str, body: str) -> MessageTemplate:
    """Create (template None) or change a sandbox template; raises TemplateError."""
    name, language, body = name.strip(), language.strip(), body.strip()
    problems = rules.template_problems(name, language, category, body)
    clash = db.session.scalar(select(MessageTemplate.id).where(
        MessageTemplate.source == TemplateSource.SANDBOX, MessageTemplate.name == name,
        MessageTemplate.language == language))
    if clash is not None and (template is None or clash != template.id):
        problems.setdefault("name", rules.DUPLICATE)
    if problems:
        raise TemplateError(problems)
    if template is None:
        template = MessageTemplate(source=TemplateSource.SANDBOX, status="APPROVED")
        db.session.add(template)
    template.name, template.language, template.category, template.body = \
        name, language, category, body
    template.parameter_count = rules.parameter_count(body)
    db.session.flush()
    return template


def delete_sandbox_template(template: MessageTemplate) -> None:
    """Remove a sandbox template (messages sent with it keep its name and values)."""
    db.session.delete(template)
    db.session.flush()


def refresh_cloud_templates(now: datetime, config: Mapping) -> Refreshed:
    """Read the account's approved templates from Meta (no row written meanwhile), then
    keep exactly those; raises WhatsAppError when Meta cannot be read."""
    if not config.get("WHATSAPP_BUSINESS_ACCOUNT_ID"):
        raise not_configured()
    listing = list_templates(base_url=config["WHATSAPP_API_BASE_URL"],
                             access_token=config["WHATSAPP_ACCESS_TOKEN"],
                             business_account_id=config["WHATSAPP_BUSINESS_ACCOUNT_ID"],
                             timeout=config.get("WHATSAPP_API_TIMEOUT", (3.05, 10)))
    return _keep(listing, now)


def _keep(listing: TemplateListing, now: datetime) -> Refreshed:
    """Update, add and remove the cloud templates to match the listing."""
    stored = {(t.name, t.language): t for t in templates_of(TemplateSource.CLOUD)}
    listed = {(t.name, t.language): t for t in listing.templates}
    for key, found in listed.items():
        row = stored.get(key) or MessageTemplate(source=TemplateSource.CLOUD, name=found.name,
                                                 language=found.language)
        row.category, row.status, row.body = found.category, found.status, found.body
        row.parameter_count = found.parameter_count
        db.session.add(row)
    gone = [row.id for key, row in stored.items() if key not in listed]
    if gone:
        db.session.execute(delete(MessageTemplate).where(MessageTemplate.id.in_(gone)))
    current_settings().templates_refreshed_at = now
    db.session.flush()
    return Refreshed(len(listed), len(gone), listing.skipped)


def refresh_if_due(now: datetime, config: Mapping) -> str:
    """The job: read Meta's templates when they are due (every half hour); says what it did.
    Meta's refusal raises WhatsAppError, so the run shows as failing on /healthz."""
    if current_source(config) == TemplateSource.SANDBOX:
        return "sandbox mode: templates are kept by managers"
    if not config.get("WHATSAPP_BUSINESS_ACCOUNT_ID"):
        return "WHATSAPP_BUSINESS_ACCOUNT_ID is not set: no templates listed"
    if not rules.refresh_due(current_settings().templates_refreshed_at, now):
        return "templates are fresh"
    refreshed = refresh_cloud_templates(now, config)  # Meta's refusal fails the run, visibly
    return (f"{refreshed.kept} templates kept, {refreshed.removed} removed, "
            f"{refreshed.skipped} skipped (parameters outside the body)")
