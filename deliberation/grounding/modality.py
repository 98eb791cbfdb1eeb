"""A hypothetical said as a fact: "A congestion charge would reduce traffic." -> "A congestion
charge will reduce traffic." / "... reduces traffic"; "Eine Citymaut könnte den Verkehr verringern."
-> "Eine Citymaut wird den Verkehr verringern." A statement that says what a thing would or could do
(a verb after one of ``hypothetical_modals``) claims a possibility; a draft sentence that says the
same verb with no word that keeps it one (``hypothesis_keepers``: a modal, "perhaps", a condition),
no negator (a negated verb is :mod:`.polarity`'s to compare: "fine as long as it does not cause"),
and that does not frame it as the participants' view (a ``meta_words`` word: "argues", "fear"),
states it as a fact.
"""

from __future__ import annotations

import re
from functools import lru_cache

from . import wordnet as wn
from .checks import SentenceContext
from .lexicon import alternation, entries
from .meaning import _DETERMINERS
from .patterns import _INFINITIVE_MARKERS, is_negator_word
from .problems import Problem, ProblemKind
from .restrictions import _same_family
from .text import _Tok, _tokenize

_LANGS = ("en", "de")
#: the modal verbs that make a claim a possibility ("would", "könnte")
_MODALS = {lang: frozenset(entries("hypothetical_modals", lang)) for lang in _LANGS}
#: words that keep a draft's claim a possibility, an aim or a view
_KEEPERS = {lang: frozenset(entries("hypothesis_keepers", lang)) | frozenset(entries("hypothetical_modals", lang))
            | frozenset(w.lower() for w in entries("meta_words", lang)) for lang in _LANGS}
#: words that keep a draft's verb a right or an ability ("able", "may", "dürfen")
_PERMISSION_KEEPERS = {lang: frozenset(entries("permission_keepers", lang)) for lang in _LANGS}
#: English: the auxiliary verbs by their base forms ("would be unfair": no doing of its own)
_AUXILIARIES = frozenset(entries("auxiliary_verbs", "en"))
#: English: at most this many words (adverbs) between the modal and its verb ("would really help")
GAP_EN = 1
#: German: the verb closes the clause at most this many words after the modal
REACH_DE = 10
_CLAUSE_END = re.compile(r"[,;:.!?()]")


def _verb_en(toks: list[_Tok], k: int) -> _Tok | None:
    for j in range(k + 1, min(len(toks), k + 2 + GAP_EN)):
        w = toks[j].raw.lower()
        if not w.isalpha():
            return None
        if wn.usual_pos(w) == "v" or (wn.is_known(w, "v") and wn.usual_pos(w) != "r"):
            return None if wn.lemmas(w) & _AUXILIARIES else toks[j]
        if wn.usual_pos(w) != "r":
            return None
    return None


def _verb_de(text: str, toks: list[_Tok], k: int) -> _Tok | None:
    """The infinitive that closes the clause of the modal at token ``k`` ("würden die Hitze im Sommer
    reduzieren"), if any."""

    last = None
    for j in range(k + 1, min(len(toks), k + 1 + REACH_DE)):
        if _CLAUSE_END.search(text, toks[j - 1].end, toks[j].start):
            break
        last = toks[j]
    if last is None or not last.raw.islower() or not last.raw.endswith("n") or last.raw in _KEEPERS["de"] \
            or last.raw.lower() in entries("auxiliary_verbs", "de"):
        return None
    return last


def _possibilities(text: str, toks: list[_Tok], lang: str) -> list[tuple[_Tok, _Tok]]:
    out = []
    for k, t in enumerate(toks):
        if t.raw.lower() in _MODALS[lang]:
            verb = _verb_en(toks, k) if lang == "en" else _verb_de(text, toks, k)
            if verb is not None:
                out.append((t, verb))
    return out


def _same_verb(a: str, b: str, lang: str) -> bool:
    if lang == "en":
        return bool(wn.lemmas(a.lower()) & wn.lemmas(b.lower()))
    return _same_family(a, b)


def check_possibility_as_fact(ctx: SentenceContext) -> list[Problem]:
    """A cited statement says what something would or could do; the draft sentence says it does
    (see the module's description)."""

    if ctx.lang not in _LANGS or not ctx.relevant or (ctx.lang == "en" and wn.wordnet() is None) \
            or any(t.raw.lower() in _KEEPERS[ctx.lang] or is_negator_word(t.raw) for t in ctx.toks):
        return []
    for s in ctx.cited:
        found = _possibilities(s.text, s.toks, ctx.lang)
        for modal, verb in found:
            if any(_same_verb(verb.raw, t.raw, ctx.lang) for t in s.toks if t.raw.isalpha() and all(t is not v for _, v in found)):
                continue  # the statement says it as a fact too ("saves energy ... would save money")
            said = next((t for t in ctx.toks if t.raw.isalpha() and _same_verb(verb.raw, t.raw, ctx.lang)), None)
            if said is not None:
                return [Problem(ProblemKind.SCOPE_INFLATED,
                                f"states as a fact ('{said.raw}') what statement {s.id} only says '{modal.raw}' happen",
                                {"statement": s.id, "words": [modal.raw, verb.raw, said.raw]})]
    return []


@lru_cache(maxsize=None)
def _permission(lang: str) -> re.Pattern[str]:
    """The frames of ``lang`` that make the verb after them a right or an ability ("have the right to")."""

    return re.compile(rf"\b(?:{alternation('permission_frames', lang)})\b", re.I)


def check_permission_as_duty(ctx: SentenceContext) -> list[Problem]:
    """A cited statement says someone should be free or able to do something (a verb after one of
    ``permission_frames``: "have the right to declare", "be able to vote", "abstimmen dürfen"); the
    draft sentence says the same verb (not as a noun: "a vote", "Disagreeing ...") with none of
    ``permission_keepers`` and no negator: the right turned into a duty ("A city should declare
    itself ...")."""

    if ctx.lang not in _LANGS or not ctx.relevant or (ctx.lang == "en" and wn.wordnet() is None) \
            or _permission(ctx.lang).search(ctx.text) \
            or any(t.raw.lower() in _PERMISSION_KEEPERS[ctx.lang] or is_negator_word(t.raw) for t in ctx.toks):
        return []
    for s in ctx.cited:
        for m in _permission(ctx.lang).finditer(s.text):
            verb = _framed_verb(s.text, m, ctx.lang)
            said = verb and next((t for k, t in enumerate(ctx.toks) if t.raw.isalpha() and _same_verb(verb, t.raw, ctx.lang)
                                  and not (k and ctx.toks[k - 1].raw.lower() in _DETERMINERS)  # "have a vote": a noun
                                  and not (ctx.lang == "en" and t.raw.lower().endswith("ing"))  # "Disagreeing should not stop us"
                                  and not _framed_again(ctx.toks, k)), None)
            if said:
                frame = " ".join(m.group(0).split())
                return [Problem(ProblemKind.SCOPE_INFLATED,
                                f"says '{said.raw}' where statement {s.id} says only '{frame}' {verb}",
                                {"statement": s.id, "words": [frame, verb, said.raw]})]
    return []


#: words before "to" that make the verb after it a duty ("should have to vote", "need to vote");
#: any other word there frames it another way ("the opportunity to vote", "get to serve")
_DUTY_BEFORE_TO = frozenset(w.lower() for w in entries("duty_before_to"))


def _framed_again(toks: list, k: int) -> bool:
    """Is the draft's verb at ``k`` an infinitive after "to" that no duty word governs ("should have
    the opportunity to vote", "should be eligible to vote", "deserve to serve")? The draft frames
    the right in other words; only "have to" / "need to" / "ought to" make it a duty."""

    if k < 1 or toks[k - 1].raw.lower() not in _INFINITIVE_MARKERS:
        return False
    return not (k >= 2 and toks[k - 2].raw.lower() in _DUTY_BEFORE_TO)


def _framed_verb(text: str, m: re.Match[str], lang: str) -> str:
    """The verb a permission frame governs: English, the word after it; German ("abstimmen dürfen"),
    the word before it."""

    if lang == "en":
        after = _tokenize(text[m.end():])
        return after[0].raw if after and wn.is_known(after[0].raw, "v") and not (wn.lemmas(after[0].raw) & _AUXILIARIES) else ""
    before = _tokenize(text[:m.start()])
    return before[-1].raw if before and before[-1].raw.islower() and before[-1].raw.endswith("n") else ""
