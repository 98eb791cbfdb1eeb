"""Checks for changed meaning through one word, backed by WordNet (:mod:`.wordnet`):

* :func:`check_direction`: a direction reversed by a verb or adjective, not a negation ("drove up
  traffic" -> "cut traffic", "schwer" -> "leichter");
* :func:`check_substitution`: a thing the statements do not name swapped in or added (a noun that
  is neither in a cited statement nor a synonym or hypernym of a word there).

Each returns the :class:`Problem` s it finds, like the checks in :mod:`.checks`. Scope inflated
(some -> all, a dropped condition) is :mod:`.scope`'s.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from difflib import SequenceMatcher
from functools import lru_cache

from . import thesaurus_de
from . import wordnet as wn
from .checks import MIN_COMPOUND_PART, SentenceContext, _content_words_with_surface, _said_by_thesaurus
from .stance import align, draft_clauses
from .compounds import regrouped
from .entities import clipped
from .evaluation import opposite
from .german_compounds import synonym_compound
from .lexicon import AXES, alternation, entries, table, word_pattern
from .negators import _TOO_QUANTITY
from .polarity import _Clause, _polarity
from .patterns import _DE_ADJECTIVE, _SUBJECTS, _TOO, is_negator_word, says_too
from .problems import Problem, ProblemKind
from .spelling import misspelt
from .text import _fold, _Tok, _tokenize, _word_canon

_STANCE_KINDS = (ProblemKind.STANCE_REVERSED, ProblemKind.COMPARISON_SWAPPED)


#: a negator inverts a direction word at most this many tokens after it
NEGATION_REACH = 3
#: particles that give a phrasal verb its direction ("drive up" +1, "bring down" -1)
_PARTICLES: dict[str, int] = table("verb_particles")
#: a prefix written as a word of its own ("non violent" for "nonviolent"): it negates the next word
_NEGATING_PREFIX = word_pattern("negating_prefix_words")
#: a word after one of these is used as a verb ("to deal", "should cost")
_VERB_BEFORE = word_pattern("verb_before")
_DIRECTION_AXES = ("level", "change", "speed", "cost")
#: after one of these a word names a thing or an activity ("about speeding"), it does not change one
_NOUN_BEFORE = frozenset(entries("activity_before"))
#: a word before one of these is a verb ("put the money"), a word after one a noun ("their finance")
_DETERMINERS = frozenset(entries("determiners"))
#: a word right before one of these, at the start or after a determiner, is its subject, a noun
_MODALS = frozenset(entries("modal_verbs"))


def _direction(toks: list[_Tok], k: int) -> int:
    """+1 / -1 when token ``k`` moves something up / down, else 0."""

    w = toks[k].raw
    for axis in _DIRECTION_AXES:
        if axis in AXES:
            _, pos_re, neg_re = AXES[axis]
            if pos_re.match(w):
                return 1
            if neg_re.match(w):
                return -1
    if not w.isalpha():
        return 0
    if not w.isascii() or not wn.is_known(w):  # German: a verb or adjective (lower case) OpenThesaurus knows
        return _thesaurus_direction(w) if toks[k].content and w[:1].islower() else 0
    nxt = toks[k + 1].raw.lower() if k + 1 < len(toks) else ""
    prev = toks[k - 1].raw.lower() if k > 0 else ""
    if prev in _NOUN_BEFORE:
        return 0  # "concerned about speeding", "the cut": an activity named, not a change made
    # the shortest verb base form; of two as short, the one the word is an inflection of ("fell" reads as
    # "fall", "rose" as "rise"), then the first in the alphabet: never the set's hash order, which changes
    # from one process to the next
    lemma = min((x for x in wn.lemmas(w) if wn.is_known(x, "v")), default="",
                key=lambda x: (len(x), x == w.lower(), x))
    # a word with no verb form moves nothing: its usual part of speech is not looked up
    if not lemma or not (nxt in _PARTICLES or _VERB_BEFORE.match(prev) or wn.usual_pos(w) == "v"):
        return 0
    if nxt in _PARTICLES:
        return wn.verb_direction(lemma, nxt) or _PARTICLES[nxt]
    return wn.verb_direction(lemma)


#: German: a word on no direction axis takes the direction of its OpenThesaurus synonyms when at
#: least this many of them lie on one pole of an axis of amount and none on the other
#: ("ausgedehnt" -> "ausdehnen": "verlängern", "ausweiten", "vergrößern": up)
MIN_THESAURUS_DIRECTION_SYNONYMS = 2


@lru_cache(maxsize=wn.LOOKUP_CACHE_SIZE)
def _thesaurus_direction(word: str) -> int:
    """+1 / -1 when the German synonyms of ``word`` (:func:`.thesaurus_de.synonyms`) move something
    up / down (:data:`MIN_THESAURUS_DIRECTION_SYNONYMS`), else 0."""

    signs = []
    for syn in thesaurus_de.synonyms(word):
        for axis in _DIRECTION_AXES:
            if axis in AXES:
                _, pos_re, neg_re = AXES[axis]
                sign = 1 if pos_re.match(syn) else -1 if neg_re.match(syn) else 0
                if sign:
                    signs.append(sign)
                    break
    if len(set(signs)) != 1 or len(signs) < MIN_THESAURUS_DIRECTION_SYNONYMS:
        return 0
    return signs[0]


#: the kinds of direction a clause's words give, each compared on its own: "amount" (raise / cut,
#: more / fewer, cheap / expensive, fast / slow, the change verbs of WordNet and OpenThesaurus) and
#: "quality" (better / worse, ease / worsen: the direction axis "quality" of the data files); a word
#: of one kind is no opposite of one of the other ("more crime" is "worse", not "less")
DIRECTION_KINDS = ("amount", "quality")


def _quality(w: str) -> int:
    _, pos_re, neg_re = AXES["quality"] if "quality" in AXES else (False, None, None)
    if pos_re is None:
        return 0
    return 1 if pos_re.match(w) else -1 if neg_re.match(w) else 0


@lru_cache(maxsize=wn.LOOKUP_CACHE_SIZE)
def _direction_words(text: str, kind: str = "amount") -> tuple[tuple[tuple[str, int, str], ...], int]:
    """The direction words of a clause of one of the :data:`DIRECTION_KINDS` as (canonical form, +1 /
    -1, surface), "too" inverting the next one ("too high" = wants it lower) and a negator at most
    :data:`NEGATION_REACH` tokens before one inverting it ("should not be raised"; not "raise it
    where there is no option"); and 1 (the negations are already in the signs). Remembered per text:
    a statement's clauses are compared with many others (:mod:`.opposition`)."""

    toks = _tokenize(text)
    words, last_neg = [], -NEGATION_REACH - 1
    for k, t in enumerate(toks):
        if is_negator_word(t.raw):
            last_neg = k
            continue
        d = _direction(toks, k) if kind == "amount" else _quality(t.raw)
        if not d and kind == "amount" and k > 0 and _TOO.match(toks[k - 1].raw):
            d = _TOO_QUANTITY.get(t.raw.lower(), 0)  # "too many traffic lights" wants fewer (inverted below)
        if d:
            if k > 0 and says_too(toks[k - 1].raw, t.raw):
                d = -d
            if k - last_neg <= NEGATION_REACH:
                d = -d
            words.append((t.canon, d, t.raw))
    return tuple(words), 1


def _direction_sign(text: str, other: str, kind: str = "amount") -> tuple[int, list[str]]:
    """The direction of ``text`` from its direction words of ``kind`` that ``other`` does not use as
    often (a word on both sides agrees, unless a negation differs, which the stance check sees):
    their common sign when they agree ("too many ... want fewer" is -1), else their product, times
    its negators; 0 when no such word is left."""

    words, negs = _direction_words(text, kind)
    common = Counter(c for c, _, _ in _direction_words(other, kind)[0])
    left = []
    for c, d, raw in words:  # a word as often on both sides agrees: "weniger A, mehr B" is not "mehr A, mehr B"
        if common[c]:
            common[c] -= 1
        else:
            left.append((d, raw))
    if not left:
        return 0, []
    signs = {d for d, _ in left}
    sign = negs * (signs.pop() if len(signs) == 1 else math.prod(d for d, _ in left))
    return sign, [raw for _, raw in left]


def _reversal(draft: str, texts: tuple[tuple[str, str], ...], kind: str) -> Problem | None:
    """The first source text (in order) with direction words of ``kind`` decides whether the draft
    clause reverses it."""

    for sid, source_text in texts:
        ds, dwords = _direction_sign(draft, source_text, kind)
        ss, swords = _direction_sign(source_text, draft, kind)
        if not ds:
            return None
        if ss and ss != ds:
            return Problem(ProblemKind.DIRECTION_REVERSED,
                           f"reverses the direction of statement {sid} ('{' '.join(dwords)}' versus "
                           f"'{' '.join(swords)}')", {"statement": sid, "draft": dwords, "source": swords})
        if ss:
            return None
    return None


def check_direction(ctx: SentenceContext) -> list[Problem]:
    """A direction reversed by a verb or adjective (after the stance check, which sees negations)."""

    if ctx.has(*_STANCE_KINDS):
        return []
    for cl in draft_clauses(ctx):
        aligned = align(ctx, cl)
        # a short sentence sharing one word with its only statement, when relevant to it (asked only
        # of a reversal found: relevance looks words up in WordNet)
        whole = aligned is None and len(ctx.cited) == 1
        if whole:
            src = ctx.cited[0]
            texts: tuple[tuple[str, str], ...] = ((src.id, src.text),)
        elif aligned is None:
            continue
        else:
            src, sc, parent = aligned
            texts = ((src.id, sc.text), (src.id, parent.text))
        # a draft that joins statements: the others' sentences about the same things too
        texts += tuple((s.id, p.text) for s in ctx.cited if s is not src for sc2, p in s.units
                       if sc2 is p and len(cl.content & p.content) >= ctx.cfg.min_alignment_words)
        for kind in DIRECTION_KINDS:
            # an evaluation is about its own clause: "better lighting" is no reversal of "it feels
            # unsafe" in the clause after "because"
            problem = _reversal(cl.text, texts if kind == "amount" else texts[:1], kind)
            if problem and (not whole or ctx.relevant):
                return [problem]
    return _antonyms(ctx)


def _antonyms(ctx: SentenceContext) -> list[Problem]:
    """A draft word whose WordNet antonym is in a cited statement (and is not in the draft)."""

    if wn.wordnet() is None:
        return []
    draft_words = _content_words_with_surface(ctx.toks)
    # "non violent" / "not cheap" says the opposite of the word itself: no antonym of it is a reversal
    src_words = {t.canon: t.raw for s in ctx.cited for k, t in enumerate(s.toks) if t.content
                 and not (k > 0 and (is_negator_word(s.toks[k - 1].raw) or _NEGATING_PREFIX.match(s.toks[k - 1].raw)))}
    # "too high" is no opposite of "lower": it asks for it
    too = {s.toks[k].canon for s in ctx.cited for k in range(1, len(s.toks)) if _TOO.match(s.toks[k - 1].raw)}
    # the statement's own word in another form ("buys" for "bought") is no reversal of another of its words ("sold")
    said = {x for s in ctx.cited for t in s.toks if t.content for x in wn.lemmas(t.raw)}
    # a word whose usual senses are nouns used as a verb ("when we vote, we win")
    verbs = {t.canon for s in ctx.cited for k, t in enumerate(s.toks) if _used_as_verb(s.toks, k)}
    for k, t in enumerate(ctx.toks):
        c, w = t.canon, t.raw
        if not t.content or c in ctx.union or wn.lemmas(w) & said \
                or not (wn.is_adjective_or_verb(w) or _used_as_verb(ctx.toks, k)):
            continue
        cands = {sc: sw for sc, sw in src_words.items() if sc not in too} if _direction(ctx.toks, k) else src_words
        for sc, sw in cands.items():
            if sc not in draft_words and (wn.is_adjective_or_verb(sw) or sc in verbs) and wn.are_antonyms(w, sw) \
                    and not _negated_in_draft(ctx, c):
                return [Problem(ProblemKind.DIRECTION_REVERSED,
                                f"says '{w}' where the cited statement says its opposite '{sw}'", {"draft": w, "source": sw})]
    return []



def _used_as_verb(toks: list[_Tok], k: int) -> bool:
    """Is token ``k`` a word WordNet knows as a verb, after a subject pronoun or a verb_before word
    ("we win", "will win")?"""

    return k > 0 and bool(_SUBJECTS.fullmatch(toks[k - 1].raw) or _VERB_BEFORE.match(toks[k - 1].raw)) \
        and wn.is_known(toks[k].raw, "v")


def _negated_in_draft(ctx: SentenceContext, canon: str) -> bool:
    """Does a negator of the draft negate its word ``canon``? "should not be legal" says "illegal":
    no antonym of a word the draft negates is a reversal."""

    return any(canon in win for axis, _, _, win, _ in _polarity(ctx.text, ctx.cfg.polarity_window).occ if axis == "neg")


def _related(a: str, b: str) -> bool:
    return wn.wordnet() is not None and (wn.says(a, b) or wn.says(b, a))


def _supported_by_wordnet(ctx: SentenceContext, word: str) -> bool:
    if wn.wordnet() is None:
        return False
    return any(wn.supports(sw, word) for s in ctx.cited for sw in _content_words_with_surface(s.toks).values())


def _is_noun(t: _Tok, lang: str, k: int, toks: list[_Tok]) -> bool:
    """German: a capitalised word (at the start, one without an adjective ending); English: a word whose usual WordNet sense is a
    noun, not a name, and not used as a verb ("to deal", "should cost")."""

    if lang == "de":  # the first word is capitalised anyway: a noun unless it reads as an adjective
        return t.raw[:1].isupper() and (k > 0 or not _DE_ADJECTIVE.search(t.raw))
    if k > 0 and _VERB_BEFORE.match(toks[k - 1].raw):
        return False
    nxt = toks[k + 1].raw.lower() if k + 1 < len(toks) else ""
    if nxt in _DETERMINERS or (nxt.endswith("ing") and wn.usual_pos(nxt) == "v" and wn.usual_pos(t.raw) != "n"):
        return False  # "put the money", "stop taking": a verb ("road spending": a noun before a gerund)
    if wn.wordnet() is None or (t.raw[:1].isupper() and k > 0):
        return False
    if nxt in _MODALS and wn.is_known(t.raw, "n") and (k == 0 or toks[k - 1].raw.lower() in _DETERMINERS):
        return True  # "Judges should ...": the subject of a modal verb is a thing, though "judge" is usually a verb
    if t.raw.lower().endswith("ing") and wn.is_known(t.raw.lower(), "n") and wn.is_noun(nxt):
        return True  # "parking ordinance": an -ing noun naming a thing before its head
    prev = toks[k - 1].raw if k > 0 else ""
    if wn.is_known(t.raw, "n") and (prev.lower() in _DETERMINERS or (wn.usual_pos(prev) == "a" and not wn.is_noun(nxt))):
        return True  # "affordable housing", "their finance": a noun after an adjective or determiner
    return wn.is_noun(t.raw)


def _modifier(t: _Tok, lang: str, k: int, toks: list[_Tok]) -> bool:
    """An English adjective that classifies the noun after it ("solar power", "electric buses")."""

    nxt = toks[k + 1].raw if k + 1 < len(toks) else ""
    return lang == "en" and wn.wordnet() is not None and wn.usual_pos(t.raw) == "a" and wn.is_noun(nxt)


def _compound_of(a: str, b: str) -> bool:
    """"Sommerhitze" ~ "Hitze", "Buslinie" ~ "Linie": one word contains the other (or misspells
    it: "Obszoleszenz" ~ "Obsoleszenz", :func:`.spelling.misspelt`)."""

    a, b = _fold(a), _fold(b)
    return (len(b) >= MIN_COMPOUND_PART and b in a) or (len(a) >= MIN_COMPOUND_PART and a in b) or misspelt(a, b)


def _same_thing(a: str, b: str) -> bool:
    """Do nouns ``a`` and ``b`` name the same thing, one more generally (WordNet noun senses)?"""

    return wn.wordnet() is not None and (wn.same_thing(a, b) or wn.same_thing(b, a))


def _kept(source_noun: str, draft_words: list[str]) -> bool:
    """Is a noun of the statement still said in the draft: the same thing, one word containing
    the other, or a form derived from it ("extension" -> "extended")?"""

    derived = wn.derived(source_noun) if wn.wordnet() is not None else frozenset()
    return any(_compound_of(source_noun, w) or clipped(source_noun, w) or _same_thing(source_noun, w)
               or wn.lemmas(w) & derived for w in draft_words)


def _compounds(words: list[str]) -> list[str]:
    """The words, two in a row that WordNet knows as one noun joined ("police forces": a police
    force names no military, though "forces" alone may)."""

    out: list[str] = []
    for w in words:
        if out and " " not in out[-1] and wn.wordnet() is not None and wn.is_known(f"{out[-1]} {w}", "n"):
            out[-1] = f"{out[-1]} {w}"
        else:
            out.append(w)
    return out


#: where a sentence joins two claims: ";" or a join word after a comma (", and", ", und")
_JOIN = re.compile(rf";|,\s*(?:{alternation('join_words')})\b", re.I)
#: English: a join word without a comma ("housing for students and bathrooms across town"), the
#: claims of two cited statements read one by one too (German joins nouns with "und", "sowie" in
#: one claim too often: "Einstellungen und Werte")
_BARE_JOIN = re.compile(rf"\s(?:{alternation('join_words')})\s", re.I)


def _joined_parts(ctx: SentenceContext, d_all: list[tuple[int, _Tok]]) -> list[list[tuple[int, _Tok]]]:
    """The draft's content tokens, then those of each claim it joins (:data:`_JOIN`, :data:`_BARE_JOIN`)
    when it cites several."""

    if len(ctx.cited) < 2:
        return [d_all]
    out = [d_all]
    for join in (_JOIN, _BARE_JOIN) if ctx.lang == "en" else (_JOIN,):
        cuts = [m.start() for m in join.finditer(ctx.text)]
        parts = [[(k, t) for k, t in d_all if lo <= t.start < hi] for lo, hi in zip([0] + cuts, cuts + [len(ctx.text)])]
        out += [p for p in parts if len(p) >= 2 and len(parts) > 1 and p not in out]
    return out


#: a statement that starts with at most this many words and a colon ("Klimarat: ...") names who
#: proposes it or its topic; those words are no thing a draft could swap
MAX_LABEL_WORDS = 2
_LABEL = re.compile(rf"^\s*(?:[^\W\d_][\w-]*\s+){{0,{MAX_LABEL_WORDS - 1}}}[^\W\d_][\w-]*\s*:")


def _new_noun(ctx: SentenceContext, t: _Tok, k: int, src_words: list[str]) -> bool:
    said = [w.raw for s in ctx.cited for w in s.toks if w.content] if ctx.lang == "de" else []
    if said and t.canon not in ctx.union and _first_part_only(t.raw, said):  # "Kindergeld" for "Kinder"
        return _is_noun(t, ctx.lang, k, ctx.toks) and not _said_by_thesaurus(t.canon, t.raw, ctx.union, said)
    return (t.canon in ctx.novel and _is_noun(t, ctx.lang, k, ctx.toks)
            and not any(_compound_of(t.raw, w) or _same_thing(w, t.raw) for w in src_words)
            and not (said and synonym_compound(t.raw, said)))  # "Modefirmen" for "Modeunternehmen"


def _first_part_only(word: str, src_words: list[str]) -> bool:
    """German compounds name a kind of their last part ("Sommerhitze" is heat): is ``word`` a
    compound whose first part (at least :data:`MIN_COMPOUND_PART` letters, a word of the statement)
    is all it shares with the statement ("Kindergeld" for "Kinder"), no word of it ending the same way?"""

    w, n = _fold(word), MIN_COMPOUND_PART
    heads = [h for h in (_fold(s) for s in src_words) if len(h) >= n]
    return (not any(h[-n:] == w[-n:] for h in heads)
            and any(w.startswith(h) and len(w) - len(h) >= n for h in heads))


def _stretches(ctx: SentenceContext, src_text: str, src_toks: list[_Tok], d_toks: list[tuple[int, _Tok]]):
    """The short replaced stretches (source (index, token)s, draft (index, token)s) where the
    content words of the draft sentence line up with those of one source sentence (difflib), at
    least ``min_scope_overlap`` of the draft's words matched; a leading label ("Klimarat:") left out."""

    label = _LABEL.match(src_text)
    s_toks = [(k, t) for k, t in enumerate(src_toks) if t.content and not (label and t.start < label.end())]
    sm = SequenceMatcher(a=[t.canon for _, t in s_toks], b=[t.canon for _, t in d_toks], autojunk=False)
    matched = sum(m.size for m in sm.get_matching_blocks())
    if not d_toks or matched / len(d_toks) < ctx.cfg.min_scope_overlap:
        return
    cap = ctx.cfg.max_replaced_words
    for op, a0, a1, b0, b1 in sm.get_opcodes():
        if op == "replace" and a1 - a0 <= cap and b1 - b0 <= cap:
            yield s_toks[a0:a1], d_toks[b0:b1]


def _negated_opposites(new: list[str], gone: list[str], source: str, ctx: SentenceContext) -> bool:
    """Is each of the draft's ``new`` words the opposite of a ``gone`` word that the source sentence
    negates ("not a good idea" -> "a bad idea")? The stance check compares the two sides' signs."""

    negated = {w for axis, _, _, win, _ in _polarity(source, ctx.cfg.polarity_window).occ if axis == "neg" for w in win}
    return all(any(_word_canon(g) in negated and opposite(n, g) for g in gone) for n in new)


def check_substitution(ctx: SentenceContext) -> list[Problem]:
    """A noun of a cited statement swapped for one that no cited statement names, nor a synonym
    or hypernym of one: the draft sentence lines up word for word (difflib) with a sentence of the
    statement but for one short stretch, where a noun of the statement is replaced by a new noun."""

    if not ctx.relevant or ctx.has(ProblemKind.ADDED_CONTENT, ProblemKind.ADDED_ENTITY, ProblemKind.SCOPE_INFLATED):
        return []
    d_all = [(k, t) for k, t in enumerate(ctx.toks) if t.content]
    draft_words = _compounds([t.raw for _, t in d_all]) if ctx.lang == "en" else [t.raw for _, t in d_all]
    for src, d_toks in ((src, part) for part in _joined_parts(ctx, d_all) for src in ctx.cited):
        # the words of a name ("Bowling Green") name no thing a draft noun could be
        src_words = [t.raw for k, t in enumerate(src.toks) if t.content and not (k and t.raw[:1].isupper())]
        sentences = [parent for sc, parent in src.units if sc is parent]
        if len(sentences) > 1:  # a draft sentence may join the statement's sentences
            sentences.append(_Clause(src.text, src.toks, src.content))
        for sent in sentences:
            for s_part, d_part in _stretches(ctx, sent.text, sent.toks, d_toks):
                gone_nouns = [t.raw for k, t in s_part if _is_noun(t, ctx.lang, k, sent.toks)]
                new = [t.raw for k, t in d_part if _new_noun(ctx, t, k, src_words) or (
                    gone_nouns and t.canon in ctx.novel and _modifier(t, ctx.lang, k, ctx.toks)
                    and not any(_kept(w, [t.raw]) for w in src_words))]  # "mental health" -> "dental"
                gone = [t.raw for k, t in s_part if t.canon not in ctx.content and not _kept(t.raw, draft_words)
                        and (_is_noun(t, ctx.lang, k, sent.toks) or _modifier(t, ctx.lang, k, sent.toks))]
                if ctx.lang == "de":  # "großen Nahrungsmittelkonzerne" for "Nahrungsmittel-Großkonzerne"
                    new = [n for n in new if not regrouped(n, gone, src_words, draft_words)]
                if new and gone and not _negated_opposites(new, gone, sent.text, ctx):
                    return [Problem(ProblemKind.SUBSTITUTION,
                                    f"puts '{new[0]}' where statement {src.id} says '{gone[0]}'",
                                    {"draft": new[0], "source": gone[0], "statement": src.id})]
    return []
