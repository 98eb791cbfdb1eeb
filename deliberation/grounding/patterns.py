"""Phrase patterns of the guard: negators, quantifier and consensus claims, causal links, clause
boundaries, titles and place words. The grammar (word boundaries, what may stand between two
words) is here; the words of every language are in the data files (:mod:`.lexicon`)."""

from __future__ import annotations

import re

from deliberation.text.german import ADJECTIVE_INFLECTIONS
from deliberation.text.terms import CJK_CHARS

from .lexicon import CJK_NEGATORS as _CJK_NEGATORS  # noqa: F401  (re-exported for polarity)
from .lexicon import CJK_NOT_NEGATION as _CJK_NOT_NEGATION  # noqa: F401
from .lexicon import LANGUAGES, alternation, entries, phrase_pattern, word_pattern
from .lexicon import STOP_WORDS as _STOP

_NEGATORS = word_pattern("negators")


def is_negator_word(word: str) -> bool:
    """A negator of the data files ("not", "kein") or a contracted one ("shouldn't"), with a
    typographic apostrophe read as a plain one ("shouldn’t", as phones and word processors write it)."""

    w = word.replace("\u2019", "'")
    return bool(_NEGATORS.match(w) or w.lower().endswith("n't"))


_FAIL_TO = word_pattern("fail_verbs")
#: the word after a fail_verbs word that makes it negate ("fail to")
_INFINITIVE_MARKERS = frozenset(w.lower() for w in entries("infinitive_markers"))
#: "avoid": negates when a gerund follows ("avoid discussing")
_AVOID = word_pattern("avoid_verbs")
# phrases in which a negator does not negate the stance
_NEG_IDIOMS = re.compile(rf"\b(?:{alternation('not_negating_idioms')})", re.I)
# "routes that nobody uses": a negator inside a relative clause describes the
# thing, it does not negate the stance (but "say that no one should" does)
_REL_NEG = re.compile(rf"\b([\w']+)\s+(?:{alternation('relative_pronouns')})\s+(?:{alternation('nobody_words')})\b", re.I)
_SPEECH_VERBS = set(entries("speech_words"))
#: German adjective endings (reparierbar-e, wichtig-en, gründlich-er, ...): a capitalised first word
#: with one of them is no noun
_DE_ADJECTIVE = re.compile(rf"(?:{alternation('adjective_suffixes')})(?:{'|'.join(ADJECTIVE_INFLECTIONS)})?$", re.I)
_TOO = word_pattern("too_words")
#: a lower-case German infinitive ("erhöhen", "verbieten", "ändern", "regeln")
_DE_INFINITIVE = re.compile(r"[a-zäöüß]+(?:en|ern|eln)$")


def says_too(word: str, nxt: str) -> bool:
    """Is ``word`` "too" ("too high", "zu hoch") before ``nxt``? Not German "zu" before an infinitive
    ("zu erhöhen" = "to raise", "zu verbieten" = "to ban"): "zu" is also the infinitive marker."""

    if not _TOO.match(word):
        return False
    return not (word.lower() in _INFINITIVE_MARKERS and bool(_DE_INFINITIVE.match(nxt)))

#: the words for the people of a consultation that the quantifier claims below count
_PEOPLE = alternation("people_nouns")
#: the kinds of claim, in the order they are tried (the first one a sentence makes is reported)
_CLAIM_KINDS = ("everyone", "all_group", "nobody", "majority", "consensus", "agreement")


#: where a claim's word starts and ends: a word boundary, or the edge of a Chinese or Japanese
#: character (those scripts write no spaces: '我覺得大家都同意' holds the claim '大家都')
_WORD_START = rf"(?:\b|(?=[{CJK_CHARS}]))"
_WORD_END = rf"(?:\b|(?<=[{CJK_CHARS}]))"


def _claim(kind: str) -> re.Pattern[str]:
    if kind == "nobody":
        return re.compile(
            rf"\b(?:{alternation('nobody_subjects')})\s+(?:\w+\s+)?(?:{alternation('nobody_verbs')})\b", re.I
        )
    return re.compile(rf"{_WORD_START}(?:{alternation('claims.' + kind).replace('{people}', _PEOPLE)}){_WORD_END}", re.I)


_QUANTIFIER_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # (label, pattern); a claim is supported when the same pattern matches a cited statement
    (kind, _claim(kind)) for kind in _CLAIM_KINDS
]
_PLURAL_QUANT = re.compile(
    rf"\b(?:{alternation('plural_quantifiers')})\s+(?:(?:{alternation('partitives')})\s+)?"
    rf"(?:{_PEOPLE}|{alternation('plural_claim_nouns')})\b",
    re.I,
)

_CAUSAL = phrase_pattern("causal_links")


def _elaboration() -> re.Pattern[str]:
    """", which would ...", " because ...", ", weil ...": where an added reason or consequence
    starts (the auxiliaries of a language follow only its own words after a comma)."""

    branches = []
    for lang in LANGUAGES:
        after_comma = entries("elaboration_after_comma", lang)
        if after_comma:
            aux = entries("elaboration_auxiliaries", lang)
            branches.append(rf",\s*(?:{'|'.join(after_comma)})\b" + (rf"(?:\s+(?:{'|'.join(aux)}))?" if aux else ""))
    branches.append(rf"\s+(?:{alternation('elaboration_links')})\b")
    return re.compile("|".join(branches), re.I)


_ELABORATION = _elaboration()
_CONTRAST = re.compile(
    rf"\s*(?:;|,?\s+(?:{alternation('contrast_words')})\b"
    rf"|,\s+(?:(?:{alternation('and_words')})\s+)?(?:{alternation('contrast_subjects')})\b)\s*",
    re.I,
)
_LIST_SEP = re.compile(rf"\s*(?:,|:|\b(?:{alternation('list_separators')})\b)\s*", re.I)

_COUNT_NOUNS = word_pattern("count_nouns")
_TITLES = word_pattern("titles", suffix=r"\.?")
_PLACE_WORDS = word_pattern("place_words")
_ALWAYS_CAPITALISED_OK = set(entries("always_capitalised"))


#: where the words a condition or restriction governs end: punctuation
_CONDITION_END = re.compile(r"[,.;:!?()]")
#: restriction words that are prepositions ("during events"): they govern one noun phrase only
_RESTRICTING_PREPOSITIONS = frozenset(w.lower() for w in entries("restricting_prepositions"))
#: subject pronouns: after a condition word and its clause's own subject, the next one starts the
#: main clause of a condition written first without a comma ("If we want X we need Y")
_SUBJECTS = re.compile(rf"\b(?:{alternation('subject_pronouns')})\b", re.I)
#: a word that opens the main clause after a condition written first ("If X then Y", "Wenn X, dann Y")
_THEN = re.compile(rf"\b(?:{alternation('condition_then_words')})\b", re.I)


def condition_span(sent: str, m: re.Match[str]) -> str:
    """The words that the condition or restriction word ``m`` of ``sent`` governs: up to the next
    punctuation; a preposition's ("during events to keep order"), only its noun phrase: up to the
    first function word after a content word; a condition that opens the sentence without a comma
    ("If we want X we need Y"), up to the main clause's subject pronoun or a word of ``condition_then_words`` ("If X then Y")."""

    cond = _CONDITION_END.split(sent[m.end():], maxsplit=1)[0]
    if m.group(0).lower() in _RESTRICTING_PREPOSITIONS:
        seen = False
        for w in re.finditer(r"[\w'-]+", cond):
            if w.group(0).lower() in _STOP and seen:
                return cond[:w.start()]
            seen = seen or w.group(0).lower() not in _STOP
        return cond
    if sent[:m.start()].strip() == "" and not sent[m.end() + len(cond):].strip(" .!?"):
        then = _THEN.search(cond)
        if then:
            return cond[:then.start()]
        subjects = list(_SUBJECTS.finditer(cond))
        if len(subjects) >= 2 and subjects[0].start() < subjects[1].start():
            return cond[:subjects[1].start()]
    return cond


def sets_the_scene(sent: str, m: re.Match[str]) -> bool:
    """Is the restricting preposition ``m`` the first word of ``sent`` and its phrase set off by a
    comma ("During the campaign, I found out ..."): the time of what the statement tells, not a
    restriction of what it asks for?"""

    if m.group(0).lower() not in _RESTRICTING_PREPOSITIONS or sent[:m.start()].strip():
        return False
    return sent[m.end():].lstrip().find(",") == len(_CONDITION_END.split(sent[m.end():], maxsplit=1)[0].strip())


#: phrases that frame a draft's sentence without adding a claim ("Given the choice between A and B,
#: participants prefer A"): read as blanks
_FRAMING = phrase_pattern("framing_phrases")


def unframed(text: str) -> str:
    """``text`` with its framing phrases (``framing_phrases``) blanked, offsets kept."""

    return _FRAMING.sub(lambda m: " " * len(m.group(0)), text)
