"""Message templates: what a valid one is, how its {{n}} parameters are filled, and which a
lead is likely to read (pure: `now` and every fact are parameters).

Problems are codes (sentences marked with N_); the pages word them in the reader's language.
"""
import re
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from .codes import TemplateCategory
from .limits import (
    TEMPLATE_BODY_LENGTH,
    TEMPLATE_MAX_PARAMETERS,
    TEMPLATE_NAME_LENGTH,
    TEMPLATE_PARAMETER_LENGTH,
)
from .marks import N_

PARAMETER = re.compile(r"\{\{\s*(\d+)\s*\}\}")
# Meta's rule for names: lowercase letters, digits and underscores.
NAME = re.compile(r"[a-z0-9_]+")
# A language as Meta writes it: "pt_BR", "en_US", "es", "en".
LANGUAGE = re.compile(r"[a-z]{2,3}(_[A-Z]{2})?")
# WhatsApp refuses parameters with line breaks, tabs or more than four spaces in a row; no
# other control character (NUL...) is wanted either.
UNSENDABLE_PARAMETER = re.compile(r"[\x00-\x1f\x7f-\x9f]| {5,}")
# How often the account's templates are read again from Meta (they change rarely, and the
# management endpoints are rate-limited); a manager may refresh them at any time.
REFRESH_EVERY = timedelta(minutes=30)

BAD_NAME = N_("Use lowercase letters, digits and underscores only (like welcome_back).")
BAD_LANGUAGE = N_("Use a language code such as pt_BR, en_US or es.")
BAD_CATEGORY = N_("Choose one of Meta's categories.")
EMPTY_BODY = N_("Write the template's text.")
LONG_BODY = N_("A template's text holds at most %(max)s characters.")
GAPPED_PARAMETERS = N_("Number the parameters {{1}}, {{2}}… in order, without gaps.")
TOO_MANY_PARAMETERS = N_("A template may have at most %(max)s parameters.")
EMPTY_PARAMETER = N_("Fill in this parameter.")
UNSENDABLE = N_("WhatsApp refuses line breaks, tabs or more than four spaces in a row here.")
LONG_PARAMETER = N_("At most %(max)s characters.")
DUPLICATE = N_("A sandbox template with this name and language exists already.")
# The number each problem's sentence names as %(max)s.
BOUNDS = {LONG_BODY: TEMPLATE_BODY_LENGTH, TOO_MANY_PARAMETERS: TEMPLATE_MAX_PARAMETERS,
          LONG_PARAMETER: TEMPLATE_PARAMETER_LENGTH}

# A lead's language from the country calling code of their number (wa_id): the longest
# matching prefix wins. Countries not listed here have no known language.
_CALLING_CODES = {
    "55": "pt_BR", "351": "pt_PT", "244": "pt_PT", "258": "pt_PT", "238": "pt_PT",
    "1": "en_US", "44": "en_GB", "61": "en_US", "353": "en_GB", "64": "en_US", "27": "en_US",
    "34": "es", "52": "es", "54": "es", "56": "es", "57": "es", "51": "es", "58": "es",
    "591": "es", "593": "es", "595": "es", "598": "es", "502": "es", "503": "es",
    "504": "es", "505": "es", "506": "es", "507": "es", "53": "es",
    "33": "fr", "49": "de", "39": "it",
}


def parameter_numbers(body: str) -> list[int]:
    """The distinct {{n}} numbers a body uses, in order."""
    return sorted({int(found) for found in PARAMETER.findall(body or "")})


def parameter_count(body: str) -> int:
    """How many parameters a body takes (its highest {{n}})."""
    numbers = parameter_numbers(body)
    return numbers[-1] if numbers else 0


def template_problems(name: str, language: str, category: str, body: str) -> dict[str, str]:
    """Each field's problem (a marked sentence) for a sandbox template; empty when valid."""
    problems = {}
    if not NAME.fullmatch(name or "") or len(name) > TEMPLATE_NAME_LENGTH:
        problems["name"] = BAD_NAME
    if not LANGUAGE.fullmatch(language or ""):
        problems["language"] = BAD_LANGUAGE
    if category not in set(TemplateCategory):
        problems["category"] = BAD_CATEGORY
    body_problem = _body_problem(body)
    if body_problem:
        problems["body"] = body_problem
    return problems


def _body_problem(body: str) -> str | None:
    """What is wrong with a template's text, if anything."""
    if not (body or "").strip():
        return EMPTY_BODY
    if len(body) > TEMPLATE_BODY_LENGTH:
        return LONG_BODY
    numbers = parameter_numbers(body)
    if len(numbers) > TEMPLATE_MAX_PARAMETERS:
        return TOO_MANY_PARAMETERS
    if numbers != list(range(1, len(numbers) + 1)):
        return GAPPED_PARAMETERS
    return None


def parameter_problem(value: str) -> str | None:
    """Why WhatsApp would refuse this parameter value (a marked sentence), or None."""
    if not (value or "").strip():
        return EMPTY_PARAMETER
    if len(value) > TEMPLATE_PARAMETER_LENGTH:
        return LONG_PARAMETER
    if UNSENDABLE_PARAMETER.search(value):
        return UNSENDABLE
    return None


def render(body: str, parameters: Sequence[str]) -> str:
    """The text the lead reads: each {{n}} replaced by its value ({{n}} kept while empty)."""
    def fill(found: re.Match) -> str:
        index = int(found.group(1)) - 1
        value = parameters[index] if 0 <= index < len(parameters) else ""
        return value if value else found.group(0)
    return PARAMETER.sub(fill, body or "")


def lead_language(wa_id: str | None) -> str | None:
    """The language a lead likely reads, from their number's country calling code (e.g.
    55 → pt_BR); None for a hidden number or a country not listed."""
    digits = "".join(ch for ch in (wa_id or "") if ch.isdigit())
    for length in (3, 2, 1):
        if digits[:length] in _CALLING_CODES:
            return _CALLING_CODES[digits[:length]]
    return None


class TemplateChoice(Protocol):
    """What ordering reads of a template (a MessageTemplate row has these attributes)."""

    @property
    def name(self) -> str: ...

    @property
    def language(self) -> str: ...


Choice = TypeVar("Choice", bound=TemplateChoice)


def language_rank(template_language: str, lead: str | None) -> int:
    """0: the lead's exact language; 1: the same language elsewhere (pt_PT for pt_BR);
    2: any other."""
    if lead is None:
        return 2
    if template_language == lead:
        return 0
    return 1 if template_language.split("_")[0] == lead.split("_")[0] else 2


def for_lead(templates: Iterable[Choice], lead: str | None) -> list[Choice]:
    """The templates in the lead's language first, then by name and language."""
    return sorted(templates, key=lambda t: (language_rank(t.language, lead), t.name, t.language))


def refresh_due(last_refreshed: datetime | None, now: datetime) -> bool:
    """Whether the account's templates should be read from Meta again."""
    return last_refreshed is None or now - last_refreshed >= REFRESH_EVERY
