"""How names and numbers are searched: without case or accents, numbers by their digits.

A lead keeps its name and number in this form (its search text), written whenever either
changes, so a search compares like with like and can use an index.
"""
import unicodedata


def folded(text: str | None) -> str:
    """Lower case, accents dropped, spaces collapsed: 'João  SILVA' → 'joao silva'."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def digits(text: str | None) -> str:
    """Only the digits: '+55 (11) 98765-4321' → '5511987654321'."""
    return "".join(ch for ch in text or "" if ch.isdigit())


def search_text(name: str | None, number: str | None) -> str:
    """What a lead is found by: its folded name and its number's digits."""
    return " ".join(part for part in (folded(name), digits(number)) if part)
