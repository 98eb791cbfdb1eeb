"""An ending dropped: "The school should stop using plastic cups." -> "The school should use plastic
cups." A statement that asks to end a doing with an aspect verb of ``aspect_end_verbs`` ("stop",
"quit", "cease", "give up", "aufhören") before that doing (English: an -ing word or 'to' and a verb;
German: 'zu' and a verb later in the sentence, "aufhören, Plastikbecher zu benutzen") wants the
doing to end; a draft that says the doing with no ending of its own (an ending verb, a negator, a
word on the negative pole of a negating axis: "ban", "no longer", "nicht mehr") asks for the doing
itself: the stance is reversed. An aspect verb turned round ("stop" -> "start") is
:mod:`.polarity`'s.
"""

from __future__ import annotations

import re

from . import wordnet as wn
from .checks import SentenceContext
from .lexicon import AXES, entries
from .patterns import is_negator_word
from .problems import Problem, ProblemKind
from .restrictions import _same_family
from .text import _Tok

#: verbs that end the doing after them ("stop using"), per language
_ENDERS = {lang: frozenset(entries("aspect_end_verbs", lang)) for lang in ("en", "de")}
#: phrasal verbs that end the doing after their particle ("give up smoking")
_PHRASAL = frozenset(entries("aspect_phrasal_end", "en"))
#: the particles of those ("up")
_PARTICLES = frozenset(entries("aspect_particles", "en"))
#: German: the infinitive marker before the doing ("aufhören, Plastik zu kaufen")
_ZU = "zu"
#: English: the infinitive marker ("stop to" is no ending, but "cease to use" is)
_TO = "to"
#: the negative poles of the axes on which a word negates like "not" ("ban", "end", "remove")
_NEGATING_POLES = tuple(neg for negating, _, neg in AXES.values() if negating)
#: English: the auxiliary verbs, by their base forms ("stop being divided" ends no doing)
_AUXILIARIES = frozenset(entries("auxiliary_verbs", "en"))
#: German: forms of the auxiliary verbs
_AUXILIARY_FORMS = {"de": frozenset(entries("auxiliary_verbs", "de"))}
#: a negator at most this many words before an ending verb negates the ending ("will not stop fighting")
NEGATOR_REACH = 2
#: German: how many words after an ending verb its doing may stand ("aufhören, Laubbläser im Park
#: einzusetzen": the verb closes the clause)
DOING_REACH_DE = 8


def _doing_en(toks: list[_Tok], k: int) -> _Tok | None:
    j = k + 1
    if toks[k].raw.lower() in _PHRASAL:
        if j >= len(toks) or toks[j].raw.lower() not in _PARTICLES:
            return None
        j += 1  # "give up smoking"
    if j < len(toks) and toks[j].raw.lower().endswith("ing") and toks[j].raw.isalpha():
        return toks[j]
    if j + 1 < len(toks) and toks[j].raw.lower() == _TO and wn.usual_pos(toks[j + 1].raw) == "v":
        return toks[j + 1]
    return None


def _doing_de(toks: list[_Tok], k: int) -> _Tok | None:
    for j in range(k + 1, min(len(toks), k + 1 + DOING_REACH_DE)):
        w = toks[j].raw.lower()
        if w == _ZU and j + 1 < len(toks) and toks[j + 1].raw.islower():
            return toks[j + 1]
        if "zu" in w[2:-2] and w.endswith("en"):
            return toks[j]  # "einzusetzen": 'zu' inside a separable verb
    return None


def _ended(toks: list[_Tok], lang: str) -> list[tuple[_Tok, _Tok]]:
    """(ending verb, doing) of each doing that ``toks`` ask to end."""

    out = []
    for k, t in enumerate(toks):
        if (t.raw.lower() in _ENDERS[lang] or (lang == "en" and t.raw.lower() in _PHRASAL)) \
                and not any(is_negator_word(p.raw) for p in toks[max(0, k - NEGATOR_REACH):k]):  # "will not stop"
            doing = _doing_en(toks, k) if lang == "en" else _doing_de(toks, k)
            if doing is not None and not _auxiliary(doing.raw, lang):  # "stop being divided": no doing of its own
                out.append((t, doing))
    return out


def _auxiliary(word: str, lang: str) -> bool:
    """Is ``word`` a form of an auxiliary verb ("being", "is"): no doing of its own?"""

    return word.lower() in _AUXILIARY_FORMS.get(lang, ()) or (lang == "en" and bool(wn.lemmas(word.lower()) & _AUXILIARIES))


def _same_doing(a: str, b: str, lang: str) -> bool:
    if lang == "en":
        return bool(wn.lemmas(a.lower()) & wn.lemmas(b.lower())) or a.lower() == b.lower()
    return _same_family(a.replace("zu", "", 1) if "zu" in a[2:-2] else a, b)


def _ends_something(toks: list[_Tok], lang: str) -> bool:
    """Does the draft say an ending verb, a negation or a word of a negating axis's negative pole?"""

    return bool(_ended(toks, lang)) or any(is_negator_word(t.raw) or any(p.match(t.raw) for p in _NEGATING_POLES)
                                           for t in toks)


def check_dropped_ending(ctx: SentenceContext) -> list[Problem]:
    """A cited statement asks to end a doing; the draft sentence says that doing and no ending (see
    the module's description)."""

    if ctx.lang not in _ENDERS or not ctx.relevant or ctx.has(ProblemKind.STANCE_REVERSED) \
            or (ctx.lang == "en" and wn.wordnet() is None) or _ends_something(ctx.toks, ctx.lang):
        return []
    for s in ctx.cited:
        for ender, doing in _ended(s.toks, ctx.lang):
            if any(_same_doing(doing.raw, t.raw, ctx.lang) for t in ctx.toks if t.raw.isalpha() and not _auxiliary(t.raw, ctx.lang)):
                return [Problem(ProblemKind.STANCE_REVERSED,
                                f"says '{doing.raw}' where statement {s.id} asks to '{ender.raw}' it",
                                {"statement": s.id, "words": [ender.raw, doing.raw]})]
    return []
