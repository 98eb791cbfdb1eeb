"""Texts in a language, read from message files: the one way the project's own words are kept in
English, German, French and Spanish (the app's pages: ``ui/messages/<lang>.toml`` through
ui/i18n.py; the report: ``deliberation/messages/<lang>.toml`` through deliberation/report.py).

A message file holds one id per text, grouped in TOML tables (``[vote] stored = "…"`` is the id
``vote.stored``). A text with a count is a table of two forms, ``one`` and ``other``, picked by
the count ``n`` (:data:`ONE`: French says "0 vote" as it says "1 vote"). Placeholders are
``str.format`` fields. The language is passed down as a parameter (a BCP 47 tag such as "de");
a language without a file falls back to English.
"""

from __future__ import annotations

import string
import tomllib
from functools import lru_cache
from importlib import resources

#: The languages the project's words exist in, by BCP 47 tag, each named in itself.
LANGUAGES = {"en": "English", "de": "Deutsch", "fr": "Français", "es": "Español"}
DEFAULT_LANGUAGE = "en"
#: Key of the room's language in the consultation's settings (Store.update_settings): the
#: moderator's choice, for the participant page, the board and the report.
ROOM_LANGUAGE_SETTING = "ui_language"
#: The two forms of a counted text.
FORMS = ("one", "other")
#: When a language uses the ``one`` form: 1 in English, German and Spanish; 0 and 1 in French.
ONE = {"fr": (0, 1)}


def known(lang: str | None) -> str:
    """``lang`` if the project speaks it, else the default (English)."""
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def flatten(table: dict, prefix: str = "") -> dict[str, str | dict]:
    """A TOML file's tables as message ids ("vote.stored"); a table of the forms stays whole."""
    out: dict[str, str | dict] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and set(value) and set(value) <= set(FORMS):
            out[name] = value
        elif isinstance(value, dict):
            out.update(flatten(value, name + "."))
        else:
            out[name] = value
    return out


def message_file(package: str, lang: str):
    """``<package>/messages/<lang>.toml`` (package data)."""
    return resources.files(package).joinpath("messages", f"{lang}.toml")


@lru_cache(maxsize=None)
def load(package: str, lang: str) -> dict[str, str | dict]:
    """Message id -> text (or ``{"one": …, "other": …}``) of one language's file of a package."""
    return flatten(tomllib.loads(message_file(package, lang).read_text(encoding="utf-8")))


def placeholders(text: str) -> set[str]:
    """The ``str.format`` fields a text uses (their names, without format specs)."""
    return {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}


class Texts:
    """The texts of one language of a package's message files: ``w("vote.stored", answer=…)``;
    ``w("progress", n=3, done=1)`` picks the form for ``n``."""

    package = "deliberation"

    def __init__(self, lang: str | None = DEFAULT_LANGUAGE):
        self.lang = known(lang)
        self._texts = load(self.package, self.lang)

    def __call__(self, mid: str, n: int | None = None, **fields) -> str:
        text = self._texts[mid]
        if isinstance(text, dict):
            text = text["one" if n in ONE.get(self.lang, (1,)) else "other"]
        return text.format(n=n, **fields)
