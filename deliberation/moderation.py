"""Intake moderation for participant statements.

Pure functions, no UI or graph imports.  Four concerns:

* :func:`redact_personal_data` removes e-mail addresses, phone numbers, street
  addresses and ID-like numbers (national insurance numbers, US social
  security numbers, IBANs, Luhn-valid card numbers, passport/ID numbers given
  with a keyword) and reports every replacement as a :class:`Finding`.
* :func:`flag_abuse` scores statements with ``alt-profanity-check`` (English
  only; German and Chinese statements are checked against small word lists,
  because the English classifier scores ordinary German text as abusive; the
  language comes from :mod:`deliberation.text`).
* :func:`flag_instructions` finds instruction-like text and prompt-injection
  attempts (English and German) that could steer the drafting agent.
* :func:`moderate` combines the three into one :class:`ModerationResult` per
  statement with a status suggestion, ``"ok"`` or ``"needs_review"``.
  Nothing is ever dropped: flagged statements go to the moderator queue.

:func:`link_near_duplicates` groups statements whose embeddings are nearly
identical (cosine similarity at or above a threshold).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Literal, Sequence

import numpy as np

from deliberation.text.languages import detect_languages, language_name

__all__ = [
    "Finding",
    "Redaction",
    "AbuseFlag",
    "ModerationConfig",
    "ModerationResult",
    "redact_personal_data",
    "flag_abuse",
    "flag_instructions",
    "moderate",
    "link_near_duplicates",
]

FindingKind = Literal["email", "phone", "address", "id_number"]

REPLACEMENTS: dict[str, str] = {
    "email": "[email removed]",
    "phone": "[phone removed]",
    "address": "[address removed]",
    "id_number": "[id number removed]",
}


@dataclass(frozen=True)
class Finding:
    """One piece of personal data found in a statement.

    ``span`` is the ``(start, end)`` character range in the *original* text;
    ``replacement`` is the placeholder that replaced it in the redacted text.
    """

    kind: FindingKind
    span: tuple[int, int]
    replacement: str
    detail: str = ""
    """Short description of what matched (never the matched value itself)."""


@dataclass(frozen=True)
class Redaction:
    """Redacted text plus the findings that were replaced (in text order)."""

    text: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.findings)


@dataclass(frozen=True)
class AbuseFlag:
    """Abuse score of one statement.

    ``score`` is the classifier probability (0..1) for English text, or 1.0 /
    0.0 from the word list for German and Chinese text.
    """

    score: float
    flagged: bool
    reason: str


@dataclass(frozen=True)
class ModerationConfig:
    """Settings for :func:`moderate` and :func:`flag_abuse`."""

    abuse_threshold: float = 0.85
    """Profanity-classifier probability at or above which an English statement
    is flagged as abusive.  Measured on the five bundled Polis corpora (3,831
    real statements, 3,123 scored by the English classifier): 0.85 flags 4
    (one of them a false positive, "Our prison system is clearly racist."),
    0.8 flags 7, 0.7 flags 11, 0.5 flags 30.  Flagging only sends the
    statement to the moderator queue; nothing is dropped."""

    abuse_batch_size: int = 2048
    """How many statements are scored per call of the profanity classifier."""

    redact: bool = True
    """Replace personal data in the returned text (findings are reported either way)."""

    review_on_personal_data: bool = True
    """Send statements that contained personal data to the moderator queue."""

    check_abuse: bool = True
    """Run the abuse check (set False when alt-profanity-check is unavailable)."""

    check_instructions: bool = True
    """Run the instruction / prompt-injection check."""


@dataclass(frozen=True)
class ModerationResult:
    """Moderation outcome for one statement."""

    original: str
    text: str
    """Text after redaction (equal to ``original`` when nothing was found)."""
    findings: list[Finding]
    abuse: AbuseFlag | None
    instruction_reasons: list[str]
    reasons: list[str]
    """Human-readable reasons for review; empty when the status is ``"ok"``."""
    status: Literal["ok", "needs_review"]

    @property
    def flagged(self) -> bool:
        return self.status == "needs_review"


# ---------------------------------------------------------------------------
# Personal data
# ---------------------------------------------------------------------------

_EMAIL_RE = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?![\w@])"
)
# "jane.doe (at) example (dot) org", "jane [at] example.org"
_EMAIL_OBFUSCATED_RE = re.compile(
    r"(?<![\w.])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}\s*[\[(]\s*at\s*[\])]\s*"
    r"[A-Za-z0-9-]+(?:\s*(?:[\[(]\s*dot\s*[\])]|\.)\s*[A-Za-z0-9-]+)*\s*(?:[\[(]\s*dot\s*[\])]|\.)\s*[A-Za-z]{2,24}\b",
    re.IGNORECASE,
)

# Candidate phone numbers: optional + or 00, digits in groups separated by
# spaces, dots, dashes, slashes or parentheses.  Validated afterwards.
_PHONE_CANDIDATE_RE = re.compile(
    r"(?<![\w+$€£¥#.,/-])"
    r"(?:\+|00)?\(?\d[\d\s().\-/]{5,22}\d"
    r"(?![\w%€$£]|[.,]\d|-\d|\s?(?:%|prozent|percent|km|kg|kw|kwh|m²|qm|euro|eur|usd|dollars?|pounds?|jahre?n?|years?)\b)",
    re.IGNORECASE,
)
_PHONE_CONTEXT_RE = re.compile(
    r"\b(?:phone|tel|telephone|mobile|cell|call|ring|text|whatsapp|sms|fax|contact|reach|number|"
    r"telefon|handy|ruf|rufen|anrufen|erreichbar|nummer|mobil)\b\.?\s*(?:me|us|him|her|mich|uns)?"
    r"\s*(?:at|on|under|unter|an|no\.?|nr\.?|number|:)?\s*:?\s*$",
    re.IGNORECASE,
)
_DATE_LIKE_RE = re.compile(
    r"^(?:\d{1,2}[./-]\d{1,2}[./-](?:\d{2}|\d{4})|\d{4}[./-]\d{1,2}[./-]\d{1,2}|\d{4}\s*[-/–]\s*\d{2,4})$"
)
_TIME_RANGE_RE = re.compile(r"^\d{1,2}[.:]\d{2}\s*-\s*\d{1,2}[.:]\d{2}$")
_DECIMAL_RE = re.compile(r"^\d+[.,]\d+$")


def _digits(s: str) -> str:
    return re.sub(r"\D", "", s)


def _looks_like_phone(candidate: str, before: str) -> bool:
    cand = candidate.strip()
    digits = _digits(cand)
    n = len(digits)
    if n < 7 or n > 15:
        return False
    if _DATE_LIKE_RE.match(cand) or _TIME_RANGE_RE.match(cand) or _DECIMAL_RE.match(cand):
        return False
    # A lone run of digits without any separator is a phone number only with a
    # keyword ("call 07700900123") or an international prefix.
    has_sep = bool(re.search(r"[\s().\-/]", cand))
    context = bool(_PHONE_CONTEXT_RE.search(before[-40:]))
    if cand.startswith("+"):
        return 8 <= n <= 15
    if cand.startswith("00") and n >= 10:
        return True
    # Thousands-grouped numbers such as "125.000" or "1 000 000" are not phones.
    if re.fullmatch(r"\d{1,3}(?:[ .]\d{3})+", cand) and not context:
        return False
    if digits.startswith("0"):
        # UK (01632 960001, 07700 900123, 020 7946 0958) and German
        # (030 12345678, 0170/1234567, 089-123456) trunk-prefixed numbers.
        return (9 <= n <= 13 and (has_sep or n >= 10)) or (context and n >= 7)
    # North American: (555) 123-4567, 555-123-4567, 555.123.4567, 1-800-555-0199
    if re.fullmatch(r"(?:1[\s.-]?)?\(?[2-9]\d{2}\)?[\s.-]?\d{3}[\s.-]\d{4}", cand):
        return True
    if context and re.fullmatch(r"(?:\(?\d{3}\)?[\s.-]?)?\d{3}[\s.-]?\d{4}", cand):
        return True
    return False


_STREET_SUFFIX_EN = (
    r"(?:Road|Rd|Street|St|Avenue|Ave|Lane|Ln|Drive|Dr|Close|Way|Court|Ct|Place|Pl|Crescent|Cres|"
    r"Terrace|Boulevard|Blvd|Gardens|Gdns|Square|Sq|Hill|Row|Parade|Mews|Walk|Grove|Highway|Hwy|"
    r"Circle|Cir|Parkway|Pkwy|Trail|Pike|Esplanade|Embankment|Wharf|Quay)"
)
_UNIT_PREFIX = r"(?:(?:flat|apartment|apt\.?|unit|suite|ste\.?)\s*\d+[A-Za-z]?\s*,?\s*)"
_STREET_EN_RE = re.compile(
    r"(?<![\w$£€#.,])(?:" + _UNIT_PREFIX + r")?"
    r"\d{1,5}[A-Za-z]?(?:[-/]\d{1,4}[A-Za-z]?)?,?\s+"
    r"(?:(?:[A-Z][a-z'’]+|[A-Z]{2,}|St\.?|Saint|Old|New|North|South|East|West|Upper|Lower|Great|Little)\s+){1,4}?"
    + _STREET_SUFFIX_EN
    + r"\b(?:\s+(?:N|S|E|W|NE|NW|SE|SW)\b)?"
)
# lower-case address after a keyword: "I live at 12 harbour road"
_STREET_EN_CONTEXT_RE = re.compile(
    r"\b(?:live|lives|living|located|address|is)\s+(?:at|on|is|:)\s+"
    r"(" + _UNIT_PREFIX + r"?\d{1,5}[A-Za-z]?,?\s+(?:[A-Za-z'’]+\s+){1,3}?"
    + _STREET_SUFFIX_EN
    + r")\b",
    re.IGNORECASE,
)
_UNIT_ONLY_RE = re.compile(r"\b(?:flat|apartment|apt\.?|wohnung)\s+\d+[A-Za-z]?\b", re.IGNORECASE)
_STREET_DE_WORD = (
    r"(?:[A-ZÄÖÜ][\wäöüß-]*?(?:straße|strasse|str\.|gasse|weg|allee|platz|ring|damm|ufer|chaussee|steig|zeile|kai|markt)"
    r"|(?:[A-ZÄÖÜ][\wäöüß-]+(?:e[rnms]?)?\s+)(?:Straße|Strasse|Str\.|Gasse|Weg|Allee|Platz|Ring|Damm|Ufer|Chaussee))"
)
_STREET_DE_RE = re.compile(
    r"(?<![\w])" + _STREET_DE_WORD + r"\s+\d{1,4}(?:[a-zA-Z]\b)?(?:\s*[-/]\s*\d{1,4})?"
    r"(?!\s*(?:%|km|kg|kw|kwh|m\b|meter|euro|€|jahre?n?|minuten|min\b|prozent|stunden|h\b|[.,]\d|\d))"
    r"(?:,?\s+\d{4,5}\s+[A-ZÄÖÜ][\wäöüß-]+)?",
)
# "Am Markt 3", "An der Kirche 12" only with a German keyword before it.
_STREET_DE_CONTEXT_RE = re.compile(
    r"\b(?:wohne|wohnt|wohnen|adresse|anschrift)\s+(?:in\s+der\s+|in\s+|am\s+|an\s+der\s+|ist\s+|:\s*)?"
    r"((?:[A-ZÄÖÜ][\wäöüß.-]+\s+){1,3}\d{1,4}(?:[a-zA-Z]\b)?)(?!\w)",
    re.IGNORECASE,
)
_UK_POSTCODE_RE = re.compile(r"\b(?:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?)\s\d[ABD-HJLNP-UW-Z]{2}\b")
_PO_BOX_RE = re.compile(r"\b(?:P\.?\s?O\.?\s?Box|Postfach)\s+\d{1,6}\b", re.IGNORECASE)

_NINO_RE = re.compile(
    r"\b(?!BG|GB|NK|KN|TN|NT|ZZ)[A-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b"
)
_SSN_RE = re.compile(r"(?<![\w$-])(?!000|666|9\d\d)\d{3}([- ])(?!00)\d{2}\1(?!0000)\d{4}(?![\w-])")
_SSN_CONTEXT_RE = re.compile(
    r"\b(?:ssn|social\s+security(?:\s+(?:number|no\.?|#))?)\s*(?:is|:|#)?\s*(\d{9})\b", re.IGNORECASE
)
_IBAN_RE = re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,4})?\b")
_CARD_RE = re.compile(r"(?<![\w$€£.,-])(?:\d[ -]?){12,18}\d(?![\w.,]\d|\w)")
_ID_CONTEXT_RE = re.compile(
    r"\b(?:passport|pass(?:port)?\s*(?:no\.?|number|nr\.?)|reisepass(?:nummer)?|personalausweis(?:nummer)?|ausweis(?:nummer)?|"
    r"id[\s-]?(?:card\s*)?(?:no\.?|number|nr\.?)|identity\s+card|driver'?s?\s+licen[cs]e(?:\s+number)?|"
    r"driving\s+licen[cs]e(?:\s+number)?|führerschein(?:nummer)?|steuer-?id|tax\s+id|"
    r"national\s+insurance(?:\s+number)?|ni\s+number|customer\s+number|kundennummer|"
    r"(?:blue\s+)?badge(?:\s+(?:no\.?|number))?|(?:parking\s+)?permit\s+(?:no\.?|number)|"
    r"(?:account|membership|reference|licen[cs]e|nhs|patient|car\s+registration)\s+(?:no\.?|number))"
    r"\s*(?:is|ist|lautet|:|#|no\.?|nr\.?|number)?\s*:?\s*(?-i:([A-Z0-9]{1,6}(?:[ -]?[A-Z0-9]{2,}){0,4}))\b",
    re.IGNORECASE,
)


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _card_prefix_ok(digits: str) -> bool:
    n = len(digits)
    if digits[0] == "4" and n in (13, 16, 19):  # Visa
        return True
    if n == 16 and (51 <= int(digits[:2]) <= 55 or 2221 <= int(digits[:4]) <= 2720):  # Mastercard
        return True
    if n == 15 and digits[:2] in ("34", "37"):  # Amex
        return True
    if n in (16, 19) and (digits.startswith("6011") or digits.startswith("65") or 644 <= int(digits[:3]) <= 649):
        return True  # Discover
    if 16 <= n <= 19 and 3528 <= int(digits[:4]) <= 3589:  # JCB
        return True
    if n == 14 and digits[:2] in ("36", "38", "30"):  # Diners
        return True
    if 12 <= n <= 19 and digits[:2] in ("50", "56", "57", "58", "63", "67"):  # Maestro
        return True
    return False


_IBAN_LENGTHS = {
    "AT": 20, "BE": 16, "CH": 21, "CZ": 24, "DE": 22, "DK": 18, "ES": 24, "FI": 18, "FR": 27,
    "GB": 22, "IE": 22, "IT": 27, "LU": 20, "NL": 18, "NO": 15, "PL": 28, "PT": 25, "SE": 24,
    "LI": 21, "HU": 28, "SK": 24, "SI": 19, "HR": 21, "GR": 27,
}


def _iban_ok(raw: str) -> bool:
    iban = re.sub(r"\s", "", raw).upper()
    if not 15 <= len(iban) <= 34:
        return False
    expected = _IBAN_LENGTHS.get(iban[:2])
    if expected is not None and len(iban) != expected:
        return False
    moved = iban[4:] + iban[:4]
    try:
        num = "".join(str(int(ch, 36)) for ch in moved)
    except ValueError:
        return False
    return int(num) % 97 == 1


def _find_spans(text: str) -> list[tuple[int, int, FindingKind, str]]:
    """All personal-data spans, most specific first; overlaps resolved later."""

    spans: list[tuple[int, int, FindingKind, str]] = []

    for m in _IBAN_RE.finditer(text):
        if _iban_ok(m.group(0)):
            spans.append((m.start(), m.end(), "id_number", "IBAN"))
    for m in _NINO_RE.finditer(text):
        spans.append((m.start(), m.end(), "id_number", "national insurance number"))
    for m in _SSN_RE.finditer(text):
        spans.append((m.start(), m.end(), "id_number", "US social security number"))
    for m in _SSN_CONTEXT_RE.finditer(text):
        spans.append((m.start(1), m.end(1), "id_number", "US social security number"))
    for m in _CARD_RE.finditer(text):
        digits = _digits(m.group(0))
        if 13 <= len(digits) <= 19 and _card_prefix_ok(digits) and _luhn_ok(digits):
            spans.append((m.start(), m.end(), "id_number", "payment card number"))
    for m in _ID_CONTEXT_RE.finditer(text):
        value = m.group(1)
        if len(_digits(value)) >= 4 and len(re.sub(r"[\s-]", "", value)) >= 6:
            spans.append((m.start(1), m.end(1), "id_number", "identity document number"))

    for m in _EMAIL_RE.finditer(text):
        spans.append((m.start(), m.end(), "email", "e-mail address"))
    for m in _EMAIL_OBFUSCATED_RE.finditer(text):
        spans.append((m.start(), m.end(), "email", "obfuscated e-mail address"))

    for m in _PHONE_CANDIDATE_RE.finditer(text):
        cand = m.group(0)
        # trim unbalanced trailing/leading brackets and separators
        start, end = m.start(), m.end()
        stripped = cand.rstrip(" .-/(")
        end -= len(cand) - len(stripped)
        cand = stripped
        if cand.count(")") > cand.count("("):
            continue
        if _looks_like_phone(cand, text[:start]):
            spans.append((start, end, "phone", "phone number"))

    for m in _STREET_EN_RE.finditer(text):
        spans.append((m.start(), m.end(), "address", "street address"))
    for m in _STREET_EN_CONTEXT_RE.finditer(text):
        spans.append((m.start(1), m.end(1), "address", "street address"))
    for m in _STREET_DE_RE.finditer(text):
        spans.append((m.start(), m.end(), "address", "street address"))
    for m in _STREET_DE_CONTEXT_RE.finditer(text):
        spans.append((m.start(1), m.end(1), "address", "street address"))
    for m in _UK_POSTCODE_RE.finditer(text):
        spans.append((m.start(), m.end(), "address", "postcode"))
    for m in _PO_BOX_RE.finditer(text):
        spans.append((m.start(), m.end(), "address", "post box"))
    return spans


def _resolve_overlaps(spans: list[tuple[int, int, FindingKind, str]]) -> list[tuple[int, int, FindingKind, str]]:
    """Keep earlier-listed (more specific) spans; merge address spans that touch."""

    kept: list[tuple[int, int, FindingKind, str]] = []
    for s in spans:
        overlap = [k for k in kept if s[0] < k[1] and k[0] < s[1]]
        if not overlap:
            kept.append(s)
            continue
        # widen an address with its unit prefix / postcode of the same kind
        if all(k[2] == s[2] == "address" for k in overlap):
            merged = (min([s[0]] + [k[0] for k in overlap]), max([s[1]] + [k[1] for k in overlap]), s[2], overlap[0][3])
            kept = [k for k in kept if k not in overlap] + [merged]
    kept.sort()
    # address followed directly by a postcode: ", SW1A 1AA"
    out: list[tuple[int, int, FindingKind, str]] = []
    for s in kept:
        if out and out[-1][2] == "address" and s[2] == "address" and s[0] - out[-1][1] <= 3:
            out[-1] = (out[-1][0], s[1], "address", out[-1][3])
        else:
            out.append(s)
    return out


def redact_personal_data(text: str) -> Redaction:
    """Replace personal data in ``text`` with placeholders.

    Finds e-mail addresses, phone numbers (UK, US, German and international
    ``+xx`` formats), street addresses with a house number ("12 Harbour Road",
    "Hauptstraße 5", "221B Baker Street", "flat 3, 14 Mill Lane"), UK
    postcodes, and ID-like numbers (UK national insurance numbers, US social
    security numbers, IBANs with a valid checksum, Luhn-valid card numbers,
    passport / ID card numbers that follow a keyword).  Years, prices,
    percentages, dates, ranges and quantities ("15 per hour", "100 km") are
    left alone.
    """

    spans = _resolve_overlaps(_find_spans(text))
    findings: list[Finding] = []
    pieces: list[str] = []
    pos = 0
    for start, end, kind, detail in spans:
        # flat/unit prefix directly before an address ("flat 3, 14 Mill Lane")
        if kind == "address":
            pre = text[max(pos, start - 25):start]
            mu = re.search(r"\b(?:flat|apartment|apt\.?|unit|wohnung)\s+\d+[A-Za-z]?\s*,?\s*$", pre, re.IGNORECASE)
            if mu:
                start = start - len(pre) + mu.start()
        repl = REPLACEMENTS[kind]
        pieces.append(text[pos:start])
        pieces.append(repl)
        findings.append(Finding(kind=kind, span=(start, end), replacement=repl, detail=detail))
        pos = end
    pieces.append(text[pos:])
    return Redaction(text="".join(pieces), findings=findings)


# ---------------------------------------------------------------------------
# Abuse
# ---------------------------------------------------------------------------

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
        from profanity_check import predict_prob  # imported lazily: loads a pickled model

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


# ---------------------------------------------------------------------------
# Instruction-like text / prompt injection
# ---------------------------------------------------------------------------

_PREV = r"(?:all\s+|any\s+|the\s+|your\s+|these\s+|those\s+|my\s+)*(?:previous|prior|above|earlier|preceding|foregoing|original|system|initial|other|existing)?\s*"
_INSTR = r"(?:instructions?|prompts?|directions?|rules?|guidelines?|commands?|context|messages?|orders?|constraints?|guardrails?)"
_INSTRUCTION_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "asks the model to ignore its instructions",
        re.compile(
            r"\b(?:ignore|disregard|forget|override|overrule|bypass|neglect)\s+(?:all\s+|any\s+|of\s+|the\s+|these\s+|those\s+|my\s+)*"
            r"(?:(?:your|previous|prior|above|earlier|preceding|foregoing|former|original|initial|system|safety)\s+)+" + _INSTR
            + r"|\b(?:ignore|disregard|forget|override|bypass)\s+(?:all|any)\s+(?:of\s+)?(?:the\s+)?" + _INSTR
            + r"|\b(?:ignore|disregard|forget)\s+(?:all|everything|anything)\s+(?:(?:you\s+(?:were|have\s+been|was)\s+told|that\s+was\s+said|i\s+said)|above|before|previously|prior|else)\b"
            + r"|\b(?:ignore|disregard|forget)\s+(?:the\s+|all\s+)?(?:above|previous|preceding|foregoing)\s*(?:[.,;:!]|$)",
            re.IGNORECASE,
        ),
    ),
    (
        "asks the model to ignore its instructions (German)",
        re.compile(
            r"\b(?:ignorier\w*|vergiss|vergessen\s+sie|missacht\w*|überschreib\w*|umgeh\w*)\s+(?:du\s+|sie\s+)?(?:bitte\s+)?(?:alle\s+|alles\s+|jede\s+|die\s+|deine\s+|ihre\s+|sämtliche\s+)*"
            r"(?:vorherige\w*|bisherige\w*|obige\w*|vorigen|früher\w*|ursprünglich\w*|anweisung\w*|instruktion\w*|befehl\w*|regeln|vorgaben|systemprompt\w*|was\s+(?:dir|ihnen)\s+gesagt)",
            re.IGNORECASE,
        ),
    ),
    (
        "tries to give the model a new role",
        re.compile(
            r"\byou\s+are\s+now\b|\bfrom\s+now\s+on,?\s+you\b|\bact\s+as\s+(?:if\s+you|an?\s+(?:ai|assistant|chatbot|language\s+model|unrestricted|unfiltered|different|new))\b|\bpretend\s+(?:to\s+be|you\s+are|that\s+you)\b|"
            r"\broleplay\s+as\b|\byour\s+new\s+(?:role|task|instructions?|job|goal)\b|\bnew\s+instructions?\s*:|"
            r"\bdu\s+bist\s+(?:jetzt|ab\s+sofort|nun)\b|\bab\s+(?:jetzt|sofort)\s+bist\s+du\b|\bneue\s+anweisung\w*\s*:|"
            r"\b(?:developer|dan|jailbreak|god)\s+mode\b",
            re.IGNORECASE,
        ),
    ),
    (
        "mentions the system prompt",
        re.compile(r"\bsystem[\s_-]?(?:prompt|message|instructions?)\b|\bsystemprompt\w*|\bsystemanweisung\w*", re.IGNORECASE),
    ),
    (
        "asks the model to reveal its instructions",
        re.compile(
            r"\b(?:reveal|show|print|repeat|output|display|tell\s+me|give\s+me|leak|dump|share|write\s+out|paste)\s+(?:me\s+|us\s+)?"
            r"(?:all\s+)?(?:of\s+)?(?:your|the|its)\s+(?:hidden\s+|secret\s+|initial\s+|original\s+|full\s+|exact\s+|internal\s+)*"
            r"(?:instructions?|prompts?|rules|guidelines|configuration|context|system\s+\w+)"
            r"|\bwhat\s+(?:are|were)\s+your\s+(?:instructions|rules|guidelines)\b"
            r"|\b(?:zeig|nenn|verrat|gib|wiederhol)\w*\s+(?:mir\s+|uns\s+)?(?:deine|ihre|die)\s+(?:geheimen\s+|ursprünglichen\s+)?(?:anweisung\w*|instruktion\w*|regeln|vorgaben|prompt\w*)",
            re.IGNORECASE,
        ),
    ),
    (
        "contains a chat role tag",
        re.compile(
            r"(?:^|\n|[.!?:;]\s+|\s{2,})(?-i:SYSTEM|System|ASSISTANT|Assistant|USER|User|HUMAN|Human|AI|BOT|Bot|DEVELOPER|Developer|MODEL|Model)\s*:\s*(?=\S)|"
            r"<\|?\s*(?:im_start|im_end|system|assistant|user|endoftext|eot_id|start_header_id|end_header_id|begin_of_text)\s*\|?>|"
            r"\[/?\s*(?:INST|SYS|SYSTEM)\s*\]|<</?SYS>>|<\s*/?\s*(?:system|assistant|user|s)\s*>|"
            r"#{2,}\s*(?:instruction|instructions|system|response|input|output|assistant|user|task|anweisung)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "contains a prompt delimiter or fake closing tag",
        re.compile(
            r"</\s*[A-Za-z_][\w-]*\s*>|```|~~~|"
            r"(?:-{3,}|={3,}|\*{3,}|#{3,})\s*(?:end|begin|start|new|stop|ende|neue)\b|"
            r"\b(?:end|begin|start)\s+of\s+(?:the\s+)?(?:statements?|input|prompt|context|instructions?|data|conversation|document|text)\b|"
            r"\[(?:end|begin|start)[\s_-]*(?:of[\s_-]*)?(?:statements?|input|prompt|context|instructions?)\]|"
            r"<\s*(?:statements?|statement_\w+|input|context|instructions?|prompt|document|data)\s*>",
            re.IGNORECASE,
        ),
    ),
    (
        "dictates the outcome of the summary",
        re.compile(
            r"(?:^|[.!?:;,\n]\s*|\b(?:please|just|and|then|now|you|must|should|to)\s+)"
            r"(?:write|say|state|report|claim|conclude|summari[sz]e|output|answer|respond|declare|pretend)\s+(?:only\s+)?(?:that\s+)?"
            r"(?:everyone|everybody|all\s+(?:participants|residents|groups|people)|the\s+majority|nobody|no\s*one|there\s+is\s+(?:a\s+)?(?:consensus|agreement))\b"
            r"(?!\s+(?:should|must|can|could|would|needs?|has|have)\b)"
            r"|\b(?:the\s+)?(?:summary|draft|consensus\s+statement|output|report|ai|model|assistant|agent)\s+(?:must|should|has\s+to|needs\s+to|will)\s+"
            r"(?:say|state|conclude|claim|include|mention|report|declare|show|be\s+written)\b"
            r"|\b(?:schreib|sag|behaupt|fass)\w*\s+(?:bitte\s+)?(?:dass\s+)?(?:alle|jeder|niemand|die\s+mehrheit)\s+(?:\w+\s+){0,3}(?:einig|zustimm|dafür|dagegen)"
            r"|(?:^|[.!?:;]\s*)(?:bitte\s+)?schreib(?:e|t|en\s+sie)?\s*,?\s*(?:bitte\s*,?\s*)?dass\b"
            r"|\b(?:zusammenfassung|entwurf|ausgabe)\s+(?:muss|soll|sollte)\s+\w+",
            re.IGNORECASE,
        ),
    ),
    (
        "addresses the AI model directly",
        re.compile(
            r"\b(?:dear|hey|hi|attention|note\s+to\s+(?:the)?)\s*(?:ai|llm|chatgpt|gpt|language\s+model|assistant|bot|summari[sz]er)\b"
            r"|\b(?:as\s+an?\s+)?(?:ai|llm|language\s+model)\s*,?\s+(?:you\s+)?(?:must|should|will|need\s+to)\b"
            r"|\b(?:liebe|lieber|hallo|achtung)\s+(?:ki|ai|chatgpt|sprachmodell|assistent)\b"
            r"|\b(?:any|all)\s+(?:ai|llm|language\s+model)s?\s+(?:reading|processing|summari[sz]ing)\s+this\b",
            re.IGNORECASE,
        ),
    ),
    (
        "contains a jailbreak / override phrase",
        re.compile(
            r"\b(?:jailbreak|prompt\s+injection|do\s+anything\s+now|override\s+(?:code|mode|protocol))\b"
            r"|\b(?:execute|run|follow)\s+(?:the\s+)?(?:following|these|my)\s+(?:instructions|commands|steps)\b"
            r"|\b(?:befolge|führe)\s+(?:die\s+)?(?:folgenden?|diese)\s+(?:anweisung\w*|befehl\w*)",
            re.IGNORECASE,
        ),
    ),
]


# Plain-language injections that name the drafting task (found by tests/test_injection_graph.py):
# fake moderator notes, "... as the consensus", slogans to repeat, role-play games, French.
_INSTRUCTION_PATTERNS.extend(
    [
        (
            "asks the model to ignore its instructions (French)",
            re.compile(
                r"\b(?:ignore[zr]?|oublie[zr]?|oubliez)\s+(?:toutes?\s+|tous\s+|tes\s+|vos\s+|les\s+|ses\s+)*"
                r"(?:instructions|règles|consignes|directives)\b|\b(?:tu\s+es|vous\s+êtes)\s+maintenant\b"
                r"|\bréponde?z?s?\s+seulement\b",
                re.IGNORECASE,
            ),
        ),
        (
            "poses as the moderator",
            re.compile(
                r"\b(?:moderator|admin(?:istrator)?|organiser|organizer)(?:'s)?\s+(?:note|notice|override|instruction)s?\s*:"
                r"|\bapproved\s+as\s+the\s+(?:official\s+)?(?:consensus|result|outcome)\b"
                r"|\bpublish\s+(?:it|this|them)\s+(?:unchanged|as\s+it\s+is|verbatim|word\s+for\s+word)\b",
                re.IGNORECASE,
            ),
        ),
        (
            "dictates the outcome of the summary",
            re.compile(
                r"\b(?:write|put|use|publish|record|list|enter|present|report)\s+(?:\S+\s+){0,4}?as\s+(?:the\s+)?"
                r"(?:official\s+)?(?:consensus|result|outcome|summary|conclusion)\b"
                r"|\bsummari[sz]e\s+(?:the\s+|this\s+)?(?:consultation|discussion|results?|debate|conversation|process)\s+as\b"
                r"|\btell\s+(?:the\s+)?(?:council|mayor|moderators?|authorities|officials)\s+that\s+"
                r"(?:every\s+single|everyone|everybody|all\s+(?:\w+\s+)?(?:residents|participants|people)|nobody|no\s*one)\b"
                r"|\b(?:announce|declare|report|state)\s+that\s+(?:the\s+)?(?:decision|vote|result|outcome|consultation)\s+"
                r"(?:was|is)\s+unanimous\b",
                re.IGNORECASE,
            ),
        ),
        (
            "tells the model how to write",
            re.compile(
                r"\b(?:end|start|begin|finish)\s+(?:every|each)\s+(?:sentence|line|paragraph|statement|answer)\s+with\b"
                r"|\bmake\s+sure\s+(?:the|your)\s+(?:summary|draft|report|output|consensus)\s+(?:uses|includes|contains|says|quotes|mentions)\b"
                r"|\btranslate\s+(?:\w+\s+){0,2}(?:instructions|prompt|rules)\b"
                r"|\blet'?s\s+(?:play\s+a\s+game|pretend|role-?play)\b",
                re.IGNORECASE,
            ),
        ),
    ]
)


# imperative position: start of text / sentence / quote, or after "please", "and", "to", ...
_IMP = r"(?:^|[.!?:;,\"'*_(\[\n>]\s*|\b(?:please|kindly|and|then|now|just|to|you|also|instead)\s+)"
_INSTRUCTION_PATTERNS.extend(
    [
        (
            "asks the model to ignore its input or rules",
            re.compile(
                _IMP + r"(?:ignore|disregard|forget|override|bypass|skip)\s+(?:all\s+|any\s+|the\s+|your\s+|these\s+|those\s+|my\s+|of\s+)*"
                r"(?:above|previous|prior|earlier|preceding|rules?|statements?|data|text|context|instructions?|prompts?|guidelines|everything|system|input)(?![A-Za-z])",
                re.IGNORECASE,
            ),
        ),
        (
            "asks the model to ignore its instructions (Spanish / Chinese)",
            re.compile(
                r"\b(?:ignora|olvida|omite|descarta|ignorar|olvidar)\w*\s+(?:\w+\s+){0,3}?(?:instrucciones|reglas|indicaciones|anteriores)"
                r"|(?:忽略|無視|无视|忘記|忘记|忘掉).{0,10}?(?:指令|指示|提示|規則|规则|設定|设定)"
                r"|(?:系統|系统)提示|(?:命令|要求|指示)你.{0,6}?(?:寫|写|輸出|输出|說|说)|(?:寫|写|輸出|输出)\s*[:：]",
                re.IGNORECASE,
            ),
        ),
        (
            "tells the model what to write",
            re.compile(
                _IMP + r"(?:write|say|mention|state|include|add|output|print|respond|reply|answer|insert|escribe|escribir)\s+"
                r"(?:only\s+|solo\s+|just\s+)?(?:that\b(?!\s+down)|the\s+(?:word|sentence|phrase|text)\b|que\b|la\s+palabra\b|\w+\s+times\b)"
                r"|\b(?:instead|only|just),?\s+(?:write|say|output|print|respond|reply|answer)\s*:?\s*[\"'`“‘]"
                r"|(?:^|[.!?:;\n]\s*|\b(?:please|kindly)\s+)(?:write|output|print)\s+(?:only\s+|just\s+)?[\"'`“‘]"
                r"|\b(?:make|have|let)\s+(?:the\s+|your\s+)?(?:summary|draft|output|report|consensus|answer|response)\s+(?:say|state|mention|include|show|read)\b"
                r"|\b(?:when|as|before)\s+you\s+(?:write|draft|summari[sz]e|compose)\s+(?:the|this|your)\s+(?:summary|draft|consensus|report|output|answer|response)\b"
                r"|\b(?:in|for)\s+(?:the|your)\s+(?:summary|draft|consensus\s+statement),?\s+(?:mention|say|write|state|include)\b"
                r"|\bsummari[sz]e\s+(?:(?:this|these|the)\s+)?(?:statements?|it|everything|them)\s+as\b"
                r"|\b(?:include|use|put|add|mention|write|insert)\s+(?:\S+\s+){0,4}?in(?:to)?\s+every\s+sentence\b|\bthe\s+real\s+statements?\s+(?:are|is)\b"
                r"|\b(?:como\s+moderador|te\s+ordeno)\b",
                re.IGNORECASE,
            ),
        ),
        (
            "asks the model to repeat or reveal its prompt",
            re.compile(
                r"\brepeat\s+(?:everything|all|the\s+text|the\s+words|what\s+is)\s+(?:written\s+)?(?:above|before)\b"
                r"|\b(?:rules|instructions)\s+you\s+(?:were|have\s+been)\s+given\b",
                re.IGNORECASE,
            ),
        ),
        (
            "tries to change the task or the citation rules",
            re.compile(
                r"\b(?:respond|reply|answer|output)\s+(?:only\s+)?(?:in|with|as)\s+(?:json|yaml|xml|code|markdown)\b"
                r"|\btranslate\s+the\s+following\b|\bstop\s+summari[sz]ing\s*[.!,;:]|\bdecode\s+(?:this|the\s+following)\b"
                r"|\bcite\s+(?:statement\s+\w+\s+for|all\s+(?:the\s+)?statements|every\s+statement)\b|\bcitation\s+rules\b"
                r"|\badd\s+the\s+sentence\b|\b(?:rules|instructions|guidelines)\s+(?:are|is|have\s+been)\s+(?:now\s+)?(?:suspended|lifted|void|cancelled|canceled|overridden|changed)\b"
                r"|\b(?:update|message|note)\s+from\s+the\s+(?:developers|admins?|system|operators?)\s*:",
                re.IGNORECASE,
            ),
        ),
        (
            "contains prompt or JSON structure",
            re.compile(
                r"[\"']role[\"']\s*:\s*[\"'](?:system|assistant|user|developer)[\"']"
                r"|\{\s*[\"'](?:sentences|statements|draft|citations)[\"']\s*:"
                r"|[\"']\s*\}\s*\]\s*\}|[\"']\s*\}\s*,\s*\{\s*[\"'](?:id|text)[\"']\s*:",
                re.IGNORECASE,
            ),
        ),
        (
            "contains an encoded payload",
            re.compile(
                r"(?<![\w/+])(?=[A-Za-z0-9+/]*[a-z])(?=[A-Za-z0-9+/]*[A-Z])(?:(?=[A-Za-z0-9+/]*\d[A-Za-z0-9+/]*\d)[A-Za-z0-9+/]{24,}={0,2}|[A-Za-z0-9+/]{24,}={1,2})(?![\w/+])"
                r"|\bbase64\b"
            ),
        ),
    ]
)

_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})


def _deobfuscate(text: str) -> str:
    """Undo simple obfuscation: "I.g.n.o.r.e" -> "Ignore", "1gn0r3" -> "ignore"."""

    text = re.sub(r"\b(?:[A-Za-z][.\-_*]){3,}[A-Za-z]\b", lambda m: re.sub(r"[.\-_*]", "", m.group(0)), text)
    return re.sub(
        r"\b(?=[\w@$]*[A-Za-z])(?=[\w@$]*[0-9@$])[\w@$]{3,}\b",
        lambda m: m.group(0)
        if re.fullmatch(r"\d+(?:st|nd|rd|th|s|k|m|am|pm|h|km|kg|kw|mph|min|px|d|g|b|a)|[a-z]{1,2}\d+", m.group(0), re.I)
        else m.group(0).translate(_LEET),
        text,
    )


def flag_instructions(text: str) -> list[str]:
    """Reasons why ``text`` looks like instructions aimed at the drafting model.

    Returns an empty list for ordinary statements.  Detects requests to
    ignore or reveal instructions, new-role phrases ("you are now"), mentions
    of the system prompt, chat role tags ("SYSTEM:", "<|im_start|>", "[INST]",
    "### Instruction"), prompt delimiters and fake closing tags
    ("</statements>", code fences, "---- END"), attempts to dictate the
    outcome ("write that everyone agrees", "make the summary say"), to change
    the task or the citation rules, fake JSON / chat structures, encoded
    payloads, and simple obfuscation ("I.g.n.o.r.e", "1gn0r3"); in English and
    German, with the commonest Spanish and Chinese phrasings.
    """

    reasons: list[str] = []
    plain = _deobfuscate(text)
    for reason, pattern in _INSTRUCTION_PATTERNS:
        m = pattern.search(text) or (pattern.search(plain) if plain != text else None)
        if m:
            snippet = m.group(0).strip()
            if len(snippet) > 40:
                snippet = snippet[:37] + "..."
            reasons.append(f"{reason}: '{snippet}'")
    return reasons


# ---------------------------------------------------------------------------
# Combined moderation
# ---------------------------------------------------------------------------


def _as_text(s: object) -> str:
    if isinstance(s, str):
        return s
    if isinstance(s, dict) and "text" in s:
        return str(s["text"])
    text = getattr(s, "text", None)
    if isinstance(text, str):
        return text
    raise TypeError(f"moderate() expects strings or objects with a 'text' field, got {type(s).__name__}")


def moderate(statements: Iterable[object], config: ModerationConfig | None = None) -> list[ModerationResult]:
    """Moderate statements (strings, dicts with ``"text"`` or objects with ``.text``).

    Each result has the redacted text, the personal-data findings, the abuse
    flag, instruction-like reasons, all review reasons in words, and a status
    suggestion: ``"needs_review"`` when anything was flagged, else ``"ok"``.
    Statements are never dropped; the order of the input is kept.
    """

    config = config or ModerationConfig()
    texts = [_as_text(s) for s in statements]
    abuse = flag_abuse(texts, config) if config.check_abuse else [None] * len(texts)
    results: list[ModerationResult] = []
    for text, ab in zip(texts, abuse):
        red = redact_personal_data(text)
        instr = flag_instructions(text) if config.check_instructions else []
        reasons: list[str] = []
        if red.findings and config.review_on_personal_data:
            kinds = sorted({f.detail or f.kind for f in red.findings})
            reasons.append("contains personal data (" + ", ".join(kinds) + "); redacted")
        if ab is not None and ab.flagged:
            reasons.append("possibly abusive: " + ab.reason)
        reasons.extend("instruction-like text: " + r for r in instr)
        results.append(
            ModerationResult(
                original=text,
                text=red.text if config.redact else text,
                findings=red.findings,
                abuse=ab,
                instruction_reasons=instr,
                reasons=reasons,
                status="needs_review" if reasons else "ok",
            )
        )
    return results


# ---------------------------------------------------------------------------
# Near duplicates
# ---------------------------------------------------------------------------


def link_near_duplicates(
    vectors: np.ndarray,
    ids: Sequence[str],
    threshold: float = 0.9,
) -> list[set[str]]:
    """Group statements whose embeddings are near duplicates.

    ``vectors`` is an ``(n, d)`` array of L2-normalised embeddings (rows are
    re-normalised defensively), ``ids`` the matching statement ids.  Two
    statements are linked when their cosine similarity is ``>= threshold``;
    groups are the connected components of these links (union-find), so a
    group can contain pairs below the threshold that are joined through a
    third statement.

    ``threshold`` — cosine similarity at or above which two statements count
    as near duplicates; it depends on the embedding model (pass
    ``embedder.calibration.near_duplicate``: 0.87 for USE).  With
    all-MiniLM-L6-v2, 0.9 links re-posts and small edits ("Bowling Green needs a fairness ordinance ..." vs "A fairness
    ordinance in Bowling Green would ...") but not merely same-topic
    statements (typically 0.5-0.8).

    Similarities are computed in blocks of rows (see
    ``deliberation.analysis.duplicates.near_duplicate_groups``).  Returns
    only groups of two or more, largest first (ties by smallest id).
    """

    from deliberation.analysis.duplicates import near_duplicate_groups

    vecs = np.asarray(vectors, dtype=np.float32)
    if vecs.ndim != 2:
        raise ValueError(f"vectors must be a 2-D array, got shape {vecs.shape}")
    if len(ids) != vecs.shape[0]:
        raise ValueError(f"got {vecs.shape[0]} vectors but {len(ids)} ids")
    # the one union-find over cosine links lives in the topic analysis; here without its word-overlap
    # guard (min_overlap=0), and with the (distinct) ids standing in for texts
    groups = near_duplicate_groups([str(i) for i in ids], vecs, threshold, min_overlap=0.0)
    out = [{ids[i] for i in g} for g in groups]
    out.sort(key=lambda g: (-len(g), min(g)))
    return out
