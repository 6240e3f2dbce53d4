"""A mark for the sentences the domain writes: extracted for translation, translated where
shown (the domain stays free of Flask, so it cannot translate them itself)."""


def N_(message: str) -> str:  # noqa: N802  (gettext's conventional name, which pybabel reads)
    """The message unchanged: pybabel extracts it, the page that shows it translates it."""
    return message
