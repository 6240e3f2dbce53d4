"""The account's message templates, read from the Cloud API (`GET /{WABA_ID}/message_templates`).

Only approved templates whose every parameter is in the body are kept: those are the ones a
pre-seller can fill in Relay (a header image or a dynamic button would need more).
"""
import logging
from dataclasses import dataclass

import requests

from ..domain.codes import TemplateCategory
from ..domain.templates import PARAMETER, parameter_count
from .client import WhatsAppError, answer_document, transport_error
from .errors import relay_failure

log = logging.getLogger(__name__)

FIELDS = "name,language,status,category,components"
PAGE_SIZE = 100
# An account has at most a few thousand templates; a paging loop never runs away.
MAX_PAGES = 50
APPROVED = "APPROVED"


@dataclass(frozen=True)
class ListedTemplate:
    """One approved template as Relay keeps it."""

    name: str
    language: str
    category: str
    status: str
    body: str
    parameter_count: int


@dataclass(frozen=True)
class TemplateListing:
    """Every usable approved template, and how many approved ones Relay cannot fill."""

    templates: tuple[ListedTemplate, ...]
    skipped: int


def list_templates(*, base_url: str, access_token: str, business_account_id: str,
                   timeout) -> TemplateListing:
    """Every approved template of the account, page after page (by the `after` cursor,
    asked of our own base URL: the token never follows a link the answer names)."""
    url = f"{base_url.rstrip('/')}/{business_account_id}/message_templates"
    params = {"fields": FIELDS, "status": APPROVED, "limit": str(PAGE_SIZE)}
    kept: list[ListedTemplate] = []
    skipped = 0
    for _page in range(MAX_PAGES):
        document = _get(url, params, access_token, timeout)
        data = document.get("data")
        for raw in data if isinstance(data, list) else []:
            template = _template(raw) if isinstance(raw, dict) else None
            if template is not None:
                kept.append(template)
            elif isinstance(raw, dict) and raw.get("status") == APPROVED:
                skipped += 1
        after = _next_cursor(document)
        if after is None:
            break
        params = {**params, "after": after}
    return TemplateListing(tuple(kept), skipped)


def _get(url: str, params: dict, access_token: str, timeout) -> dict:
    """One GET of the Graph API, its JSON answer or a WhatsAppError."""
    try:
        response = requests.get(url, params=params, timeout=timeout,
                                headers={"Authorization": f"Bearer {access_token}"})
    except requests.RequestException as error:
        raise transport_error(error) from error
    return answer_document(response)


def _next_cursor(document: dict) -> str | None:
    """The cursor of the next page, when the answer says there is one."""
    paging = document.get("paging")
    if not isinstance(paging, dict) or not paging.get("next"):
        return None
    cursors = paging.get("cursors")
    after = cursors.get("after") if isinstance(cursors, dict) else None
    return after if isinstance(after, str) and after else None


def _template(raw: dict) -> ListedTemplate | None:
    """An approved template Relay can fill, or None."""
    name, language, status = raw.get("name"), raw.get("language"), raw.get("status")
    category = raw.get("category")
    if not all(isinstance(v, str) and v for v in (name, language, status, category)) \
            or status != APPROVED or category not in set(TemplateCategory) \
            or category == TemplateCategory.AUTHENTICATION:  # its code button needs a value
        return None
    components = raw.get("components")
    components = [c for c in components if isinstance(c, dict)] \
        if isinstance(components, list) else []
    body = next((c.get("text") for c in components if c.get("type") == "BODY"), None)
    if not isinstance(body, str) or not body or _needs_more(components) \
            or _named_parameters(body):
        return None
    return ListedTemplate(name=str(name), language=str(language), category=str(category),
                          status=str(status), body=body, parameter_count=parameter_count(body))


def _needs_more(components: list[dict]) -> bool:
    """A header with media or a variable, or a button with a variable: more than a body."""
    for component in components:
        kind = component.get("type")
        if kind == "HEADER" and (component.get("format", "TEXT") != "TEXT"
                                 or "{{" in str(component.get("text", ""))):
            return True
        if kind == "BUTTONS" and "{{" in str(component.get("buttons", "")):
            return True
    return False


def _named_parameters(body: str) -> bool:
    """Named parameters ({{first_name}}) are a format Relay does not fill."""
    return body.count("{{") != len(PARAMETER.findall(body))


def not_configured() -> WhatsAppError:
    """Templates cannot be listed without the account's id."""
    return WhatsAppError(relay_failure("no_business_account"))
