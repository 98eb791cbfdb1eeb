"""Abusive statements: a classifier for English, word lists where it misreads the language.

:func:`flag_abuse` scores statements with ``alt-profanity-check`` (English only); German and
Chinese statements are checked against small word lists, because the English classifier scores
ordinary German text as abusive. The language comes from :mod:`deliberation.text` (the project's
one language detector).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from deliberation.safety.config import ModerationConfig
from deliberation.text.languages import detect_languages, language_name

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



# The English classifier is unreliable on other languages (it scores ordinary
# German climate statements at 0.9+), so German and Chinese statements are
# checked against short word lists instead.
_DE_ABUSE_RE = re.compile(
    r"\b(?:schei(?:ß|ss)e?\w*|arschl(?:ö|oe)ch\w*|arsch|wichser\w*|fotze\w*|hurensohn\w*|hure\b|"
    r"vollidiot\w*|idiot(?:en)?|trottel\w*|depp(?:en)?|missgeburt\w*|spast\w*|"
    r"fick\w*|verpiss\w*|halt(?:et)?\s+die\s+fresse|drecks\w+|schwuchtel\w*|kanake\w*|nazischwein\w*)\b",
    re.IGNORECASE,
)
_ZH_ABUSE_RE = re.compile(r"幹你|干你|他媽的|他妈的|靠北|白痴|白癡|智障|腦殘|脑残|去死|王八蛋|混蛋|操你|賤人|贱人")
_EN_ABUSE_WORDS_RE = re.compile(
    r"\b(?:fuck\w*|shit\w*|cunt\w*|bitch\w*|asshole\w*|motherfuck\w*|bastard\w*|dickhead\w*|retard\w*)\b",
    re.IGNORECASE,
)
#: Word lists by language (the English classifier misreads these languages).
_LOCAL_ABUSE_RE = {"de": _DE_ABUSE_RE, "zh": _ZH_ABUSE_RE}


def flag_abuse(texts: Sequence[str], config: ModerationConfig | None = None) -> list[AbuseFlag]:
    """Score statements for abuse / profanity, one :class:`AbuseFlag` per text.

    The language of each text is detected (:func:`deliberation.text.detect_languages`; one that
    cannot be told takes the main language of the batch). English texts, and texts whose language
    still cannot be told, are scored in batches of
    ``config.abuse_batch_size`` with ``profanity_check.predict_prob`` and flagged at
    ``config.abuse_threshold``. German and Chinese texts are checked against built-in word lists
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
                flags[i] = AbuseFlag(1.0, True, f"abusive word '{m.group(0)}' ({lists})")
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
                    reason = f"abuse classifier score {p:.2f} >= threshold {config.abuse_threshold:.2f}"
                    flags[i] = AbuseFlag(p, True, reason)
                else:
                    flags[i] = AbuseFlag(p, False, f"abuse classifier score {p:.2f} below threshold {config.abuse_threshold:.2f}")
    return [f for f in flags if f is not None]
