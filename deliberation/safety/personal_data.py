"""Personal data in statements: find it and replace it with placeholders.

:func:`redact_personal_data` finds e-mail addresses, phone numbers, street addresses and ID-like
numbers (national insurance numbers, US social security numbers, IBANs, Luhn-valid card numbers,
passport / ID numbers given with a keyword) and reports every replacement as a :class:`Finding`.
The formats (digits, separators, checksums) are here; the words around them (the cues before a
phone or an ID number, street types, units that make a number a quantity) are named lists in
``data/<language>.toml`` (:mod:`.lexicon`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from deliberation.safety.lexicon import fill
from deliberation.text.terms import CJK_CHARS
from deliberation.words import DEFAULT_LANGUAGE, Texts, said

__all__ = ["Finding", "FindingKind", "Redaction", "REPLACEMENTS", "placeholder", "redact_personal_data"]

FindingKind = Literal["email", "phone", "address", "id_number"]


def placeholder(kind: str, lang: str | None = DEFAULT_LANGUAGE) -> str:
    """What replaces personal data of ``kind`` in a statement written in ``lang``, for the people who
    read it: "[email removed]", "[correo eliminado]" (``removed.<kind>`` in deliberation/messages;
    English for a language the app does not speak)."""
    return Texts(lang)(f"removed.{kind}")


#: the placeholders in English (:func:`placeholder`)
REPLACEMENTS: dict[str, str] = {kind: placeholder(kind) for kind in ("email", "phone", "address", "id_number")}
#: A letter or digit next to which an e-mail address or a number is no part of a longer word: not a
#: Chinese or Japanese character, which are written without spaces ("我的電話是0912-345-678",
#: "請寄信到chen.wei@gmail.com給我" went unredacted: Python's \w counts them as word characters).
_LETTER = r"[^\W" + CJK_CHARS + r"]"


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


_EMAIL_RE = re.compile(
    r"(?<![.+-])(?<!" + _LETTER + r")[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?!" + _LETTER + r"|@)"
)
# "jane.doe (at) example (dot) org", "jane [at] example.org"
_EMAIL_OBFUSCATED_RE = re.compile(
    r"(?<![.])(?<!" + _LETTER + r")[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}\s*[\[(]\s*at\s*[\])]\s*"
    r"[A-Za-z0-9-]+(?:\s*(?:[\[(]\s*dot\s*[\])]|\.)\s*[A-Za-z0-9-]+)*\s*(?:[\[(]\s*dot\s*[\])]|\.)\s*[A-Za-z]{2,24}\b",
    re.IGNORECASE,
)

# Candidate phone numbers: optional + or 00, digits in groups separated by
# spaces, dots, dashes, slashes or parentheses.  Validated afterwards.
_PHONE_CANDIDATE_RE = re.compile(
    r"(?<![+$€£¥#.,/-])(?<!" + _LETTER + r")"
    r"(?:\+|00)?\(?\d[\d\s().\-/]{5,22}\d"
    + fill(r"(?!" + _LETTER + r"|[%€$£]|[.,]\d|-\d|\s?{phone_numbers.units_after}\b)", "en", "de"),
    re.IGNORECASE,
)
#: A phone cue word (or someone's own "my number", "your number": the owner's word before the word
#: for "number"), a pronoun ("call me"), the word before the number ("on", "al"), the word for
#: "number" with a determiner ("Handy Nummer", "llámame al número", "call this number") and a word
#: after it ("my number is", "ruf diese Nummer an"), at the end of the text before a candidate number.
_PHONE_CONTEXT_RE = re.compile(
    fill(r"\b(?:{phone_numbers.cue_words}|{phone_numbers.owners}(?=\s+{phone_numbers.number_words}\b))\b\.?"
         r"\s*{phone_numbers.pronouns}?\s*(?:{phone_numbers.before_number}|:)?"
         r"\s*(?:(?:{phone_numbers.determiners}\s+)?{phone_numbers.number_words}\b"
         r"\s*(?:{phone_numbers.after_number}|{phone_numbers.before_number})?)?"
         r"\s*:?\s*$", "en", "de", "fr", "es"),
    re.IGNORECASE,
)
#: A phone's name, or two ("mi teléfono móvil"), and the word after it ("phone is", "móvil es").
_PHONE_NAMED = r"{phone_numbers.phone_nouns}(?:\s+{phone_numbers.phone_nouns})?\s+{phone_numbers.after_number}"
#: Someone's phone by its name and the word after it ("my phone is", "su móvil es", "mein Handy ist").
_PHONE_OWNED_RE = re.compile(
    fill(r"\b(?:{phone_numbers.owners}|{phone_numbers.phone_owners})\s+" + _PHONE_NAMED + r"\s*:?\s*$",
         "en", "de", "fr", "es"),
    re.IGNORECASE,
)
#: A number's owner that as often counts people ("their number is 250 000 000", "su número es ..."),
#: with the word for "number" and the word after it: a phone's number when that word takes an
#: article no count takes ("su número es el 612 345 678"; a count's is "es de"), else unless the
#: number reads as a count (:func:`_counted`).
_NUMBER_COUNTED_RE = re.compile(
    fill(r"\b{phone_numbers.count_owners}\s+{phone_numbers.number_words}\s+"
         r"(?:(?P<article>{phone_numbers.after_number_article})|{phone_numbers.after_number})\s*:?\s*$",
         "en", "de", "fr", "es"),
    re.IGNORECASE,
)
#: The phone or its number as the subject or the label of its own sentence or line, read on the whole
#: text before the number: a phone's name and the word after it ("Teléfono es 612345678", "Phone is
#: ..."; "El móvil es 300 000 000 euros" has an article: no phone), or the word for "number" with a
#: colon or the word after it ("Number: 612345678", "Name: Jo, Nummer: …", "Number is ..."), at the
#: start of the text, of a line, or after a sentence's end or a comma ("Case number:" and "le
#: dossier numéro :" name a file's number); the word for "number" alone only at the start of the
#: text, of a line or of a sentence ("Number 612345678 for questions"; "the petition, number
#: 123456789, ..." is a reference), and unless the number reads as a count (group ``bare``:
#: :func:`_counted`).
_PHONE_HEAD_RE = re.compile(
    fill(r"(?:(?:^|[\n.!?;,])\s*(?:" + _PHONE_NAMED + r"|{phone_numbers.number_words}\s*(?=:)"
         r"|{phone_numbers.number_words}\s+{phone_numbers.after_number})"
         r"|(?:^|[\n.!?])\s*(?P<bare>{phone_numbers.number_words}))\s*:?\s*$", "en", "de", "fr", "es"),
    re.IGNORECASE,
)
#: The words after a number that make it a count ("1234567 personas", "123456789 according to the
#: census", "250 000 000 euros"): a unit or a word of phone_numbers.count_after.
_COUNT_AFTER_RE = re.compile(fill(r"\s*(?:{phone_numbers.units_after}|{phone_numbers.count_after})(?!\w)",
                                  "en", "de", "fr", "es"), re.IGNORECASE)
#: A number grouped in thousands ("125.000", "1 000 000"): a count, or a phone only after a cue.
_THOUSANDS_RE = re.compile(r"\d{1,3}(?:[ .]\d{3})+")
_DATE_LIKE_RE = re.compile(
    r"^(?:\d{1,2}[./-]\d{1,2}[./-](?:\d{2}|\d{4})|\d{4}[./-]\d{1,2}[./-]\d{1,2}|\d{4}\s*[-/–]\s*\d{2,4})$"
)
_TIME_RANGE_RE = re.compile(r"^\d{1,2}[.:]\d{2}\s*-\s*\d{1,2}[.:]\d{2}$")
_DECIMAL_RE = re.compile(r"^\d+[.,]\d+$")


#: Digits a number after a phone cue word ("llámame al", "call me on") needs to be read
#: as a phone number when nothing else marks it (no +, 00 or trunk 0, not North American): nine,
#: the length of a Spanish or French national number without its trunk prefix ("612 345 678");
#: shorter grouped numbers after such words are more often prices or counts.
MIN_CUED_GROUPED_DIGITS = 9
#: Digits of anything read as a phone number: at least seven (a local number without its area
#: code, "555 0199" after "call"), at most fifteen (ITU-T E.164's longest international number).
PHONE_MIN_DIGITS = 7
PHONE_MAX_DIGITS = 15
#: Digits after a "+" (country code and national number): eight, the shortest international
#: numbers in use (small countries' codes with six- or seven-digit national numbers).
INTERNATIONAL_MIN_DIGITS = 8
#: Digits of a number dialled with the "00" international prefix, the prefix included: ten
#: ("00" + a country code + at least a short national number).
DIAL_OUT_MIN_DIGITS = 10
#: Digits of a trunk-prefixed national number (a leading 0: UK "01632 960001", German "030 12345678")
#: read as a phone without a cue word: nine to thirteen, the lengths of UK and German numbers
#: ("089-123456", "020 7946 0958", "030 12345678"); one written without separators needs
#: :data:`TRUNK_UNGROUPED_MIN_DIGITS`.
TRUNK_MIN_DIGITS = 9
TRUNK_MAX_DIGITS = 13
TRUNK_UNGROUPED_MIN_DIGITS = 10
#: Zeros at the end of a number after "their number is" that make it a count, not a phone ("250 000 000").
COUNT_TRAILING_ZEROS = 3
#: The years a list of years is read in (first, last): "Number 2024 2025 2026" after a bare "Number"
#: or an owner who as often counts people is a plan's or a budget's years, not a phone (:func:`_years`).
LIST_YEARS = (1900, 2099)
#: Characters before a candidate number searched for a phone cue word ("call", "Tel.", "llámame al").
PHONE_CUE_WINDOW_CHARS = 40


def _digits(s: str) -> str:
    return re.sub(r"\D", "", s)


def _counted(cand: str, after: str) -> bool:
    """Whether a number after an owner who as often counts people (:data:`_NUMBER_COUNTED_RE`) or a
    bare "Number" reads as a count: a round figure, ending in :data:`COUNT_TRAILING_ZEROS` zeros
    ("250 000 000"), one a count's word follows (:data:`_COUNT_AFTER_RE`: "1234567 personas"), or a
    list of years (:func:`_years`); "612 345 678", as Spain writes a mobile, and "612345678 para
    cualquier duda" are a phone's."""
    return (_digits(cand).endswith("0" * COUNT_TRAILING_ZEROS) or bool(_COUNT_AFTER_RE.match(after))
            or _years(cand))


def _years(cand: str) -> bool:
    """Whether a candidate number is a list of years: two or more groups of four digits, each a year
    of :data:`LIST_YEARS` and each after the one before ("2024 2025 2026", "1990/2000/2010")."""
    groups = re.split(r"[\s/]+", cand.strip())
    years = [int(g) for g in groups if len(g) == 4 and g.isdigit()]
    return (len(groups) >= 2 and len(years) == len(groups) and all(LIST_YEARS[0] <= y <= LIST_YEARS[1] for y in years)
            and all(a < b for a, b in zip(years, years[1:])))


def _cued(cand: str, before: str, after: str) -> bool:
    """Whether the words before a candidate number (``before``; ``after``: the text after it) make it
    a phone's: a cue word or someone's own phone or number near it, or a phone or its number heading
    its sentence; a bare "Number" or an owner who as often counts people only before a number that
    is no count (:func:`_counted`), unless an article says it is a phone's."""
    window = before[-PHONE_CUE_WINDOW_CHARS:]
    if _PHONE_CONTEXT_RE.search(window) or _PHONE_OWNED_RE.search(window):
        return True
    head = _PHONE_HEAD_RE.search(before)
    if head and not head.group("bare"):
        return True
    counted = _NUMBER_COUNTED_RE.search(window)
    if counted and counted.group("article"):
        return True
    return bool(head or counted) and not _counted(cand, after)


def _looks_like_phone(candidate: str, before: str, after: str = "") -> bool:
    cand = candidate.strip()
    digits = _digits(cand)
    n = len(digits)
    if n < PHONE_MIN_DIGITS or n > PHONE_MAX_DIGITS:
        return False
    if _DATE_LIKE_RE.match(cand) or _TIME_RANGE_RE.match(cand) or _DECIMAL_RE.match(cand):
        return False
    # A lone run of digits without any separator is a phone number only with a
    # keyword ("call 07700900123") or an international prefix.
    has_sep = bool(re.search(r"[\s().\-/]", cand))
    context = _cued(cand, before, after)
    if cand.startswith("+"):
        return INTERNATIONAL_MIN_DIGITS <= n <= PHONE_MAX_DIGITS
    if cand.startswith("00") and n >= DIAL_OUT_MIN_DIGITS:
        return True
    # Thousands-grouped numbers such as "125.000" or "1 000 000" are not phones.
    if _THOUSANDS_RE.fullmatch(cand) and not context:
        return False
    if digits.startswith("0"):
        # UK (01632 960001, 07700 900123, 020 7946 0958) and German
        # (030 12345678, 0170/1234567, 089-123456) trunk-prefixed numbers.
        return ((TRUNK_MIN_DIGITS <= n <= TRUNK_MAX_DIGITS and (has_sep or n >= TRUNK_UNGROUPED_MIN_DIGITS))
                or (context and n >= PHONE_MIN_DIGITS))
    # North American: (555) 123-4567, 555-123-4567, 555.123.4567, 1-800-555-0199
    if re.fullmatch(r"(?:1[\s.-]?)?\(?[2-9]\d{2}\)?[\s.-]?\d{3}[\s.-]\d{4}", cand):
        return True
    if context and re.fullmatch(r"(?:\(?\d{3}\)?[\s.-]?)?\d{3}[\s.-]?\d{4}", cand):
        return True
    # after a cue word, nine digits or more, grouped or not: Spanish "llámame al 612 345 678",
    # "mi número: 612345678" (no trunk 0)
    return context and n >= MIN_CUED_GROUPED_DIGITS


_STREET_SUFFIX_EN = fill("{addresses.street_suffixes}", "en")
_UNIT_PREFIX = fill(r"(?:(?:{addresses.flat_words}|{addresses.suite_words})\s*\d+[A-Za-z]?\s*,?\s*)", "en")
_STREET_EN_RE = re.compile(
    r"(?<![\w$£€#.,])(?:" + _UNIT_PREFIX + r")?"
    r"\d{1,5}[A-Za-z]?(?:[-/]\d{1,4}[A-Za-z]?)?,?\s+"
    + fill(r"(?:(?:[A-Z][a-z'’]+|[A-Z]{2,}|{addresses.street_name_words})\s+){1,4}?", "en")
    + _STREET_SUFFIX_EN
    + fill(r"\b(?:\s+{addresses.compass_points}\b)?", "en")
)
# lower-case address after a keyword: "I live at 12 harbour road"
_STREET_EN_CONTEXT_RE = re.compile(
    fill(r"\b{addresses.live_words}\s+(?:at|on|is|:)\s+", "en")
    + r"(" + _UNIT_PREFIX + r"?\d{1,5}[A-Za-z]?,?\s+(?:[A-Za-z'’]+\s+){1,3}?"
    + _STREET_SUFFIX_EN
    + r")\b",
    re.IGNORECASE,
)
_STREET_DE_WORD = fill(
    r"(?:[A-ZÄÖÜ][\wäöüß-]*?{addresses.street_suffixes}"
    r"|(?:[A-ZÄÖÜ][\wäöüß-]+(?:e[rnms]?)?\s+){addresses.street_words})",
    "de",
)
_STREET_DE_RE = re.compile(
    r"(?<![\w])" + _STREET_DE_WORD + r"\s+\d{1,4}(?:[a-zA-Z]\b)?(?:\s*[-/]\s*\d{1,4})?"
    + fill(r"(?!\s*(?:{addresses.units_after}|[.,]\d|\d))", "de")
    + r"(?:,?\s+\d{4,5}\s+[A-ZÄÖÜ][\wäöüß-]+)?",
)
# "Am Markt 3", "An der Kirche 12" only with a German keyword before it.
_STREET_DE_CONTEXT_RE = re.compile(
    fill(r"\b{addresses.live_words}\s+(?:in\s+der\s+|in\s+|am\s+|an\s+der\s+|ist\s+|:\s*)?", "de")
    + r"((?:[A-ZÄÖÜ][\wäöüß.-]+\s+){1,3}\d{1,4}(?:[a-zA-Z]\b)?)(?!\w)",
    re.IGNORECASE,
)
#: a street's name in French or Spanish: capitalised words, with the language's particles between
#: them ("de la Paix", "de la Constitución"); the street type before it is matched in any case
_ROMANCE_NAME = r"(?:(?:{addresses.name_particles})\s*)*[A-ZÀ-ÖØ-Þ][\w'’-]*(?:\s+(?:(?:{addresses.name_particles})\s*)*[A-ZÀ-ÖØ-Þ][\w'’-]*){0,3}"
# French puts the house number first: "12 rue de la Paix", "3 bis, avenue Foch"
_STREET_FR_RE = re.compile(
    r"(?<![\w$€#.,])\d{1,4}(?:\s?(?:bis|ter)\b)?,?\s+" + fill(r"(?i:{addresses.street_types})\s+" + _ROMANCE_NAME, "fr"))
# Spanish puts it last: "calle Mayor 12", "Avenida de la Constitución, 5", "C/ Alcalá nº 23"
_STREET_ES_RE = re.compile(
    fill(r"(?<!\w)(?i:{addresses.street_types})\s*" + _ROMANCE_NAME
         + r",?\s+(?:(?i:{addresses.number_words})\s*)?\d{1,3}[A-Za-z]?\b(?!\s*(?:%|km|m\b|€|euros?))", "es"))
_UK_POSTCODE_RE = re.compile(r"\b(?:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?)\s\d[ABD-HJLNP-UW-Z]{2}\b")
_PO_BOX_RE = re.compile(fill(r"\b{addresses.post_box}\s+\d{1,6}\b", "en", "de"), re.IGNORECASE)

_NINO_RE = re.compile(
    r"\b(?!BG|GB|NK|KN|TN|NT|ZZ)[A-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b"
)
_SSN_RE = re.compile(r"(?<![$-])(?<!" + _LETTER + r")(?!000|666|9\d\d)\d{3}([- ])(?!00)\d{2}\1(?!0000)\d{4}(?!"
                     + _LETTER + r"|-)")
_SSN_CONTEXT_RE = re.compile(
    fill(r"\b{id_numbers.ssn_words}\s*(?:is|:|#)?\s*(\d{9})\b", "en"), re.IGNORECASE
)
_IBAN_RE = re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,4})?\b")
_CARD_RE = re.compile(r"(?<![$€£.,-])(?<!" + _LETTER + r")(?:\d[ -]?){12,18}\d(?![\w.,]\d|" + _LETTER + r")")
# an identity document's keyword, then its number (English keywords before German ones: no two
# of different languages can match at one position, so their order changes no match)
_ID_CONTEXT_RE = re.compile(
    fill(r"\b{id_numbers.document_words}\s*(?:{id_numbers.before_value}|:|#)?\s*:?\s*", "en", "de")
    + r"(?-i:([A-Z0-9]{1,6}(?:[ -]?[A-Z0-9]{2,}){0,4}))\b",
    re.IGNORECASE,
)
#: the same in Chinese, written without spaces: "身分證字號是A123456789"
_ID_CONTEXT_ZH_RE = re.compile(
    fill(r"{id_numbers.document_words}\s*(?:{id_numbers.before_value})?\s*[:：]?\s*", "zh")
    + r"([A-Z0-9]{1,6}(?:[ -]?[A-Z0-9]{2,}){0,4})(?!" + _LETTER + r")"
)
#: a Chinese house number after its road or street, the part removed: section, lane, alley, number and
#: floor ("忠孝東路四段100號5樓", "中山路二段12巷3弄5號"); the road's name and the city stay
_STREET_ZH_RE = re.compile(fill(
    r"(?:{addresses.street_types})((?:[一二三四五六七八九十\d]{1,3}段)?(?:\d{1,4}巷)?(?:\d{1,4}弄)?"
    r"\d{1,5}(?:之\d{1,3})?[號号](?:之\d{1,3})?(?:\d{1,3}[樓楼](?:之\d{1,3})?)?)", "zh"))
#: a flat or unit number directly before an address ("flat 3, 14 Mill Lane")
_FLAT_BEFORE_RE = re.compile(fill(r"\b{addresses.flat_words}\s+\d+[A-Za-z]?\s*,?\s*$", "en", "de"), re.IGNORECASE)


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
            spans.append((m.start(), m.end(), "id_number", said("held.data.iban")))
    for m in _NINO_RE.finditer(text):
        spans.append((m.start(), m.end(), "id_number", said("held.data.national_insurance")))
    for m in _SSN_RE.finditer(text):
        spans.append((m.start(), m.end(), "id_number", said("held.data.social_security")))
    for m in _SSN_CONTEXT_RE.finditer(text):
        spans.append((m.start(1), m.end(1), "id_number", said("held.data.social_security")))
    for m in _CARD_RE.finditer(text):
        digits = _digits(m.group(0))
        if 13 <= len(digits) <= 19 and _card_prefix_ok(digits) and _luhn_ok(digits):
            spans.append((m.start(), m.end(), "id_number", said("held.data.card")))
    for m in (*_ID_CONTEXT_RE.finditer(text), *_ID_CONTEXT_ZH_RE.finditer(text)):
        value = m.group(1)
        if len(_digits(value)) >= 4 and len(re.sub(r"[\s-]", "", value)) >= 6:
            spans.append((m.start(1), m.end(1), "id_number", said("held.data.id_document")))

    for m in _EMAIL_RE.finditer(text):
        spans.append((m.start(), m.end(), "email", said("held.data.email")))
    for m in _EMAIL_OBFUSCATED_RE.finditer(text):
        spans.append((m.start(), m.end(), "email", said("held.data.obfuscated_email")))

    for m in _PHONE_CANDIDATE_RE.finditer(text):
        cand = m.group(0)
        # trim unbalanced trailing/leading brackets and separators
        start, end = m.start(), m.end()
        stripped = cand.rstrip(" .-/(")
        end -= len(cand) - len(stripped)
        cand = stripped
        if cand.count(")") > cand.count("("):
            continue
        if _looks_like_phone(cand, text[:start], text[end:]):
            spans.append((start, end, "phone", said("held.data.phone")))

    # (pattern, group): a street address, whole (0) or the part after its context words (1)
    for pattern, group in ((_STREET_EN_RE, 0), (_STREET_EN_CONTEXT_RE, 1), (_STREET_DE_RE, 0),
                           (_STREET_DE_CONTEXT_RE, 1), (_STREET_FR_RE, 0), (_STREET_ES_RE, 0), (_STREET_ZH_RE, 1)):
        for m in pattern.finditer(text):
            spans.append((m.start(group), m.end(group), "address", said("held.data.street")))
    for m in _UK_POSTCODE_RE.finditer(text):
        spans.append((m.start(), m.end(), "address", said("held.data.postcode")))
    for m in _PO_BOX_RE.finditer(text):
        spans.append((m.start(), m.end(), "address", said("held.data.post_box")))
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


def redact_personal_data(text: str, lang: str | None = DEFAULT_LANGUAGE) -> Redaction:
    """Replace personal data in ``text`` with placeholders in ``lang``, the text's language
    (:func:`placeholder`: a Spanish statement read "Escribidme a [email removed]").

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
            mu = _FLAT_BEFORE_RE.search(pre)
            if mu:
                start = start - len(pre) + mu.start()
        repl = placeholder(kind, lang)
        pieces.append(text[pos:start])
        pieces.append(repl)
        findings.append(Finding(kind=kind, span=(start, end), replacement=repl, detail=detail))
        pos = end
    pieces.append(text[pos:])
    return Redaction(text="".join(pieces), findings=findings)
