"""Abusive statements: a classifier for English, word lists where it misreads the language.

:func:`flag_abuse` scores statements with ``alt-profanity-check`` (English only); German and
Chinese statements are checked against small word lists (``data/<language>.toml``), because the
English classifier scores ordinary German text as abusive. The language comes from :mod:`deliberation.text` (the project's
one language detector).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from deliberation.safety.config import ModerationConfig
from deliberation.safety.lexicon import LISTS
from deliberation.text.languages import detect_languages, language_name
from deliberation.text.wordlists import NEVER
from deliberation.words import said

__all__ = ["AbuseFlag", "flag_abuse"]


@dataclass(frozen=True)
class AbuseFlag:
    """Abuse score of one statement.

    ``score`` is the classifier probability (0..1) for English text, or 1.0 /
    0.0 from the word list for German and Chinese text.
    """

    score: float
    flagged: bool
    reason: str


def _abuse_pattern(lang: str) -> re.Pattern[str] | None:
    """The abusive words of one language's data file (``abuse_words``: whole words;
    ``abuse_phrases``: anywhere, for a script without spaces between words), None without any."""

    words = LISTS.entries("abuse_words", lang)
    branches = ([rf"\b(?:{'|'.join(words)})\b"] if words else []) + LISTS.entries("abuse_phrases", lang)
    return re.compile("|".join(branches), re.IGNORECASE) if branches else None


# The English classifier is unreliable on other languages (it scores ordinary German climate
# statements at 0.9+), so the statements of a language with its own word list are checked
# against that list instead; the English swear words are checked in every non-English text.
_EN_ABUSE_WORDS_RE = _abuse_pattern("en") or re.compile(NEVER)
#: Word lists by language (the English classifier misreads these languages).
_LOCAL_ABUSE_RE: dict[str, re.Pattern[str]] = {
    lang: p for lang, p in ((lang, _abuse_pattern(lang)) for lang in LISTS.languages if lang != "en") if p is not None
}


def flag_abuse(texts: Sequence[str], config: ModerationConfig | None = None) -> list[AbuseFlag]:
    """Score statements for abuse / profanity, one :class:`AbuseFlag` per text.

    The language of each text is detected (:func:`deliberation.text.detect_languages`; one that
    cannot be told takes the main language of the batch). English texts, and texts whose language
    still cannot be told, are scored in batches of
    ``config.abuse_batch_size`` with ``profanity_check.predict_prob`` and flagged at
    ``config.abuse_threshold``. German and Chinese texts are checked against their word lists
    (plus the common English swear words), because the English classifier misreads them; texts in
    other languages against the English swear words only, and the reason says so.
    """

    config = config or ModerationConfig()
    texts = list(texts)
    flags: list[AbuseFlag | None] = [None] * len(texts)
    english_idx: list[int] = []
    for i, (t, lang) in enumerate(zip(texts, detect_languages(texts, fill_main=True))):
        if not t.strip():
            flags[i] = AbuseFlag(0.0, False, "empty text")
        elif lang in ("en", ""):
            english_idx.append(i)
        else:
            lex = _LOCAL_ABUSE_RE.get(lang)
            m = (lex.search(t) if lex else None) or _EN_ABUSE_WORDS_RE.search(t)
            lists = f"{language_name(lang)} word list" if lex else "English swear words only"
            if m:
                quoted = f"'{m.group(0)}'"
                flags[i] = AbuseFlag(1.0, True, said("held.abuse_word", quoted=quoted, language=language_name(lang))
                                     if lex else said("held.abuse_english", quoted=quoted))
            else:
                flags[i] = AbuseFlag(0.0, False, f"no abusive words ({lists}; the classifier is English-only)")
    if english_idx:
        # lazy: importing it loads scikit-learn and unpickles a model, ~1 s (python -X importtime)
        from profanity_check import predict_prob

        bs = max(1, int(config.abuse_batch_size))
        for b in range(0, len(english_idx), bs):
            chunk = english_idx[b : b + bs]
            probs = predict_prob([texts[i] for i in chunk])
            for i, p in zip(chunk, probs):
                p = float(p)
                if p >= config.abuse_threshold:
                    reason = said("held.abuse_score", n_score=f"{p:.2f}", n_threshold=f"{config.abuse_threshold:.2f}")
                    flags[i] = AbuseFlag(p, True, reason)
                else:
                    flags[i] = AbuseFlag(p, False, f"abuse classifier score {p:.2f} below threshold {config.abuse_threshold:.2f}")
    return [f for f in flags if f is not None]
