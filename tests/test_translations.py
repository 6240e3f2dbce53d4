"""Every word a person reads is marked for translation and translated into pt-BR.

The marked strings are extracted with pybabel, as `make translations` does, and compared
with the committed catalog; the compiled catalog must say the same as its source. Two
heuristics catch words that were never marked: bare text in templates, and literal
sentences handed to flash(), form fields and the errors people are shown.
"""
import ast
import re
import shlex
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from jinja2 import Environment

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "webapp" / "translations" / "pt_BR" / "LC_MESSAGES"
TEMPLATES = ROOT / "webapp" / "templates"

# Words that read the same in every language: the product, the brand, symbols.
SAME_IN_EVERY_LANGUAGE = {"Relay", "WhatsApp", "WhatsApp Business", "E-mail"}
# Attributes whose values people read (or hear, with a screen reader).
READ_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}
# Errors whose words reach a person (API and webhook errors are JSON for machines).
PEOPLE_ERRORS = {"AccountError", "SignInError", "GroupError", "TransferError", "ReplyError",
                 "ValidationError", "WhatsAppError"}
# Calls whose text argument is shown: flash(), form fields, validators' messages.
SHOWN_CALLS = {"flash", "StringField", "EmailField", "PasswordField", "SelectField",
               "RadioField", "BooleanField", "IntegerField", "TextAreaField",
               "SelectMultipleField", "CheckboxListField", "SelectChoice",
               "DataRequired", "InputRequired"}
MARKERS = {"_", "gettext", "ngettext", "lazy_gettext", "_l", "N_", "pgettext"}
PROSE = re.compile(r"[A-Za-zÀ-ÿ]{2,}")
PLACEHOLDER = "\x00"


def extract(tmp_path: Path, monkeypatch):
    """The catalog template pybabel makes from the code now, as `make translations` runs it."""
    recipe = (ROOT / "Makefile").read_text().replace("\\\n", " ")
    options = shlex.split(re.search(r"pybabel extract (.*)", recipe).group(1))
    pot = tmp_path / "messages.pot"
    monkeypatch.chdir(ROOT)
    CommandLineInterface().run(["pybabel", "-q", "extract", *options, "-o", str(pot), "."])
    with pot.open("rb") as file:
        return read_po(file)


def translations():
    """The committed pt-BR catalog."""
    with (CATALOG / "messages.po").open("rb") as file:
        return read_po(file, locale="pt_BR")


def test_every_marked_string_has_a_finished_pt_br_translation(tmp_path, monkeypatch):
    template, catalog = extract(tmp_path, monkeypatch), translations()
    # Extraction found the marked strings, those of every template folder too.
    assert template.get("Awaiting reply") is not None
    missing, unfinished = [], []
    for message in template:
        if not message.id:
            continue
        found = catalog.get(message.id, message.context)
        if found is None:
            missing.append(message.id)
            continue
        strings = found.string if isinstance(found.string, tuple) else (found.string,)
        if found.fuzzy or not all(strings):
            unfinished.append(message.id)
    assert missing == [], "marked but not in the pt_BR catalog: run `make translations`"
    assert unfinished == [], "not translated yet (or fuzzy) in the pt_BR catalog"


def test_translations_keep_their_placeholders():
    problems = [(message.id, [str(error) for error in errors])
                for message, errors in translations().check()]
    assert problems == []


def entries(messages) -> dict:
    """id → translation; plurals come back as lists from a .mo and as tuples from a .po."""
    def same(value):
        return tuple(value) if isinstance(value, list | tuple) else value
    return {same(message.id): same(message.string) for message in messages if message.id}


def test_the_compiled_catalog_says_what_its_source_says():
    catalog = translations()
    with (CATALOG / "messages.mo").open("rb") as file:
        compiled = read_mo(file)
    source, built = entries(catalog), entries(compiled)
    assert built == source, "the .mo is stale: run `make translations`"


# Bare words in templates ------------------------------------------------------------------

class _TextFinder(HTMLParser):
    """Collects the text nodes and read attributes of a template with its code blanked out."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skipping += 1
        for name, value in attrs:
            spoken = name in READ_ATTRIBUTES or (name.startswith("data-") and " " in (value or ""))
            if spoken and value and not value.lstrip().startswith(("{", "[")):
                self._check(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping:
            self._check(data)

    def _check(self, text: str):
        # What the code fills in is no word: {{ … }} blanks and script placeholders ({count}).
        words = " ".join(re.sub(r"\{\w+\}", " ", text.replace(PLACEHOLDER, " ")).split())
        if PROSE.search(_without_names(words)):
            self.found.append(words)


def _without_names(text: str) -> str:
    """The text less the words every language says the same way."""
    for name in sorted(SAME_IN_EVERY_LANGUAGE, key=len, reverse=True):
        text = text.replace(name, "")
    return text


def _is_marked(tokens: list, index: int) -> bool:
    """Whether the string token at `index` is a text argument of a gettext call: the first,
    or ngettext's plural right after it."""
    before = [(kind, value) for _, kind, value in tokens[:index] if kind != "whitespace"][-2:]
    if len(before) < 2:
        return False
    if before[1][1] == "(":
        return before[0][1] in MARKERS
    if before[1][1] == "," and before[0][0] == "string":
        previous = max(i for i in range(index) if tokens[i][1] == "string")
        return _is_marked(tokens, previous)
    return False


def _looks_like_words(literal: str) -> bool:
    """A string literal a person would read: capitalised words, or words and spaces."""
    if re.fullmatch(r"[a-z0-9_.:/#=?&%\-]*", literal) or re.fullmatch(r"[A-Z][a-z]+[A-Z]\w*",
                                                                         literal):
        return False  # a CSS class, an endpoint, a path, a code, a class name (BooleanField)
    if " --" in literal:
        return False  # a command line
    return bool(PROSE.search(literal)) and (bool(re.search(r"[A-Z][a-z]", literal))
                                            or " " in literal.strip())


def _attribute_open(html: str) -> str | None:
    """The attribute whose quoted value the markup so far ends inside, if any."""
    tag = html[html.rfind("<"):] if html.rfind("<") > html.rfind(">") else ""
    inside = re.search(r"([\w:-]+)\s*=\s*(\"[^\"]*|'[^']*)$", tag)
    return inside.group(1) if inside else None


def bare_words(source: str) -> list[str]:
    """Text in a template that no gettext call wraps: its text nodes, read attributes and
    string literals that look like words (outside attributes nobody reads, like class)."""
    tokens = list(Environment(extensions=["jinja2.ext.i18n"]).lex(source))
    html, found = [], []
    for index, (_, kind, value) in enumerate(tokens):
        if kind == "data":
            html.append(value)
        elif kind == "variable_begin":
            html.append(PLACEHOLDER)
        elif kind == "string":
            literal = ast.literal_eval(value)
            attribute = _attribute_open("".join(html))
            if attribute is not None and attribute not in READ_ATTRIBUTES:
                continue
            if _looks_like_words(literal) and not _is_marked(tokens, index) \
                    and literal not in SAME_IN_EVERY_LANGUAGE:
                found.append(literal)
    finder = _TextFinder()
    finder.feed("".join(html))
    finder.close()
    return finder.found + found


def test_the_bare_words_check_catches_an_unmarked_sentence():
    assert bare_words("<p>Nothing was saved.</p>") == ["Nothing was saved."]
    assert bare_words('<p title="Close the chat">x</p>') == ["Close the chat"]
    assert bare_words("<b>{{ 'Online' if on else _('Offline') }}</b>") == ["Online"]
    assert bare_words('<button data-label-on="Alerts on">') == ["Alerts on"]
    assert bare_words("<p>{{ _('Nothing was saved.') }} {{ count }}</p>") == []
    assert bare_words("<p>{{ ngettext('%(num)d chat', '%(num)d chats', n) }}</p>") == []
    assert bare_words("<p>{{ f('One', 'Two words') }}</p>") == ["One", "Two words"]
    assert bare_words('<p class="{{ \'tag warn\' if x }}">{{ user.name }} · Relay</p>') == []
    assert bare_words('<p title="{{ \'Signed in\' if x }}">') == ["Signed in"]


@pytest.mark.parametrize("template", sorted(p.relative_to(TEMPLATES).as_posix()
                                            for p in TEMPLATES.rglob("*.html")))
def test_templates_have_no_bare_words(template):
    assert bare_words((TEMPLATES / template).read_text()) == []


# Literal sentences in Python ---------------------------------------------------------------

def _callee(call: ast.Call) -> str:
    """The called name: `flash`, `StringField`, `TransferError`…"""
    return getattr(call.func, "id", None) or getattr(call.func, "attr", "")


def _is_text(node) -> bool:
    """A literal sentence: a string or an f-string that holds words."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(PROSE.search(node.value)) and node.value not in SAME_IN_EVERY_LANGUAGE
    if isinstance(node, ast.JoinedStr):
        return any(_is_text(part) for part in node.values)
    return False


def unmarked_python(source: str) -> list[str]:
    """Literal sentences given straight to what shows them to a person."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = _callee(node)
        shown = name in SHOWN_CALLS or name in PEOPLE_ERRORS
        arguments = ([node.args[0]] if shown and node.args else []) + \
            [keyword.value for keyword in node.keywords
             if keyword.arg in ("message", "description", "label")]
        if name == "SelectChoice" and len(node.args) > 1:
            arguments = [node.args[1]]
        found += [ast.unparse(argument) for argument in arguments if _is_text(argument)]
    return found


def test_the_python_check_catches_an_unmarked_sentence():
    assert unmarked_python('flash(f"{name} was saved.")') == ["f'{name} was saved.'"]
    assert unmarked_python('x = StringField("Full name")') == ["'Full name'"]
    assert unmarked_python('raise TransferError("Too late.")') == ["'Too late.'"]
    assert unmarked_python('flash(_("Saved."))\nraise RoutingError("no lead")') == []


@pytest.mark.parametrize("module", sorted(p.relative_to(ROOT).as_posix()
                                          for p in (ROOT / "webapp").rglob("*.py")))
def test_python_shows_no_unmarked_sentence(module):
    assert unmarked_python((ROOT / module).read_text()) == []
