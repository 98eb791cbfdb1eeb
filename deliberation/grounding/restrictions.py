"""A restriction of a statement that a draft leaves out, so that its claim becomes wider:
a restrictive relative clause ("tax churches that politic from the pulpit" -> "tax churches",
"Firmen die hier Umsatz machen" -> "Firmen"). Conditions ("if", "unless") and restriction words
("only", "during") are :func:`.scope.check_scope`'s.

A relative clause restricts the noun before it when nothing separates them: in English no comma
(a clause after a comma describes, "my landlord, who lives abroad"; "that" is always restrictive);
in German, where the comma is obligatory either way, the clause ends with its verb. The draft
drops it when it keeps that noun and most of the rest of the sentence but none of the clause's
own words (nor a word that one of them says, WordNet's or, in German, OpenThesaurus's synonym, or
a compound of one).
"""

from __future__ import annotations

import os
import re

from . import thesaurus_de
from . import wordnet as wn
from .checks import SentenceContext, _content_words_with_surface
from .lexicon import entries
from .meaning import _compound_of, _related
from .participles import MAIN_VERBS, participle_phrases
from .scope import statement_sentences
from .problems import Problem, ProblemKind
from .text import _fold, _Tok, _tokenize

#: words of one family share at least this many first letters ...
FAMILY_PREFIX = 5
#: ... and at least this share of the shorter word
FAMILY_SHARE = 0.6
#: words a draft may put between a noun and the rest of a relative clause it keeps without its verb (a
#: preposition: "nurses on night shifts" for "nurses who work night shifts")
MAX_WORDS_BEFORE_PHRASE = 1
#: a relative clause runs to the next punctuation
_CLAUSE_END = re.compile(r"[,.;:!?()\[\]]")
#: words that open a restrictive relative clause, per language
_RELATIVES = {lang: frozenset(entries("restrictive_relatives", lang)) for lang in ("en", "de")}
#: determiners and pronouns: "that" before one of them opens a clause that says what a noun is
#: ("the claim that the city ..."), not which of them is meant
_NOT_RELATIVE_AFTER = frozenset(w.lower() for w in entries("determiners", "en") + entries("subject_pronouns", "en"))
#: a German finite verb's ending: the last word of a relative clause
_DE_VERB_END = re.compile(r"(?:en|ern|eln|t|n)$")
#: prefixes that negate the adjective they open ("unelected"): such an adjective restricts its noun
_NEGATED_PREFIXES = tuple(entries("negated_modifier_prefixes", "en"))
#: ... when the word without the prefix has at least this many letters ("elected"; not "der" of "under")
MIN_NEGATED_STEM = 4
#: "for" / "für" before a group of people (:func:`_beneficiary_phrases`), per language
_BENEFICIARY = {lang: (frozenset(entries("beneficiary_prepositions", lang)),
                       re.compile(rf"^(?:{'|'.join(entries('beneficiary_groups', lang))})$", re.I))
                for lang in ("en", "de")}


def check_dropped_relative(ctx: SentenceContext) -> list[Problem]:
    """The sentence a draft sentence paraphrases restricts a noun by a relative clause and the
    draft keeps the noun and at least ``min_scope_overlap`` of the other words, but none of the
    clause's own."""

    relatives = _RELATIVES.get(ctx.lang)
    if not relatives or not ctx.relevant or wn.wordnet() is None:
        return []
    draft = _content_words_with_surface(ctx.toks)
    draft_words = list(draft.values())
    for s in ctx.cited:
        # a draft word another cited statement says is that statement's, not this clause's
        others = set().union(*(o.content for o in ctx.cited if o is not s))
        unexplained = [w for c, w in draft.items() if c not in others]
        sentences = statement_sentences(ctx, s)
        for sent, (head, lo, hi) in ((p, r) for p in sentences for r in _restricted(p.text, ctx.lang)):
            own = _content_words_with_surface(_tokenize(sent.text[lo:hi]))
            rest = _content_words_with_surface(_tokenize(sent.text[:lo] + " " + sent.text[hi:]))
            own = {c: w for c, w in own.items() if c not in rest}
            # a modifier before its noun: the draft's words of the rest do not say it ("elected" of
            # "Elected officials ... unelected boards")
            before = sent.text[hi:].lstrip().startswith(head)
            said_by = [w for w in unexplained if _tokenize(w)[0].canon not in rest] if before else unexplained
            if not own or not _head_said(head, ctx, draft_words) or _own_relative(ctx, head, relatives) \
                    or (before and _own_modifier(ctx, head, rest)):
                continue
            kept_rest = sum(_said(w, ctx, draft_words) for w in rest.values())
            if not rest or kept_rest / len(rest) < ctx.cfg.min_scope_overlap:
                continue
            # only in the sentence the draft paraphrases: another it restates in part need not be whole
            verb = _relative_verb(sent.text[lo:hi], ctx.lang, relatives, own) if sent is sentences[0] else None
            if verb and _phrase_after_head(ctx, head, sent.text[lo:hi], verb):
                verb = None  # "residents near the airport": the clause kept as a phrase of its noun, its verb left out
            if not any(_said(w, ctx, said_by) for w in own.values()) or (verb and not _said(verb, ctx, said_by)):
                clause = " ".join(sent.text[lo:hi].split())
                return [Problem(ProblemKind.SCOPE_INFLATED,
                                f"speaks of all '{head}' where statement {s.id} says "
                                f"'{f'{clause} {head}' if before else f'{head} {clause[:60]}'}'",
                                {"statement": s.id, "word": head})]
    return []


def _relative_verb(clause: str, lang: str, relatives: frozenset[str], own: dict[str, str]) -> str | None:
    """The verb of an English relative ``clause`` among its ``own`` words: its first content word
    ("take" of "parents that take their kids out of public schools"), which says what restricts the
    noun; a draft that keeps only another of its words ("public school money") drops it. None for a
    German clause or another restriction ("for seniors", "unelected")."""

    toks = _tokenize(clause)
    if lang != "en" or not toks or toks[0].raw.lower() not in relatives:
        return None
    first = next((t for t in toks[1:] if t.content), None)
    return own.get(first.canon) if first is not None and wn.usual_pos(first.raw) == "v" else None


def _phrase_after_head(ctx: SentenceContext, head: str, clause: str, verb: str) -> bool:
    """Does the draft keep an English relative clause as a phrase right after its noun, only its verb left
    out ("residents near the airport" for "residents who live near the airport", "nurses on night shifts" for
    "... who work night shifts")? Right after the noun (one word, a preposition, may come first) the draft
    says the words that follow the clause's verb, up to the first content word. "Tenants in old buildings"
    for "tenants who insulate their flats in old buildings" does not: the verb and its object are the restriction."""

    words = [t for t in _tokenize(clause)]
    at = next((i for i, t in enumerate(words) if t.raw == verb), None)
    complement = words[at + 1:] if at is not None else []
    first = next((i for i, t in enumerate(complement) if t.content), None)
    if first is None:
        return False
    wanted = [t.canon for t in complement[:first + 1]]
    canon = _tokenize(head)[0].canon
    for i, tok in enumerate(ctx.toks):
        if tok.canon != canon:
            continue
        for skip in (0, MAX_WORDS_BEFORE_PHRASE):
            after = ctx.toks[i + 1 + skip:i + 1 + skip + len(wanted)]
            if [t.canon for t in after] == wanted and not _CLAUSE_END.search(ctx.text[tok.end:after[0].start]):
                return True
    return False


def _restricted(text: str, lang: str) -> list[tuple[str, int, int]]:
    """(noun, start, end) of each restriction of a noun in ``text``: a relative clause, a group of
    people it is for, an adjective that negates ("unelected"), a participle phrase ("residents
    using septic tanks", :mod:`.participles`)."""

    return (_relative_clauses(text, lang, _RELATIVES[lang]) + _beneficiary_phrases(text, lang)
            + _negated_modifiers(text, lang) + participle_phrases(text, lang))


def _said(word: str, ctx: SentenceContext, draft_words: list[str]) -> bool:
    """Does the draft sentence say ``word`` of a statement: the same word, one it relates to in
    WordNet, or a compound of it?"""

    return (_tokenize(word)[0].canon in ctx.content
            or any(_compound_of(d, word) or _same_family(d, word) or _related(word, d)
                   or (ctx.lang == "de" and _synonym_de(word, d)) for d in draft_words))


def _head_said(head: str, ctx: SentenceContext, draft_words: list[str]) -> bool:
    """Does the draft sentence say the noun a restriction restricts (:func:`_said`), or the same
    word where it is no content word ("people")?"""

    canon = _tokenize(head)[0].canon
    return _said(head, ctx, draft_words) or any(t.canon == canon for t in ctx.toks)


def _synonym_de(word: str, draft_word: str) -> bool:
    """German: is ``draft_word`` (a form of) a synonym of ``word`` in OpenThesaurus ("häufigere"
    for "öfter": "Busse die öfter fahren" -> "häufigere Busse" keeps the clause)?"""

    synonyms = thesaurus_de.synonyms(word)
    return any(h in synonyms for h in thesaurus_de.headwords(draft_word))


def _same_family(a: str, b: str) -> bool:
    """Words of one family: they share their first :data:`FAMILY_PREFIX` letters, and at least
    :data:`FAMILY_SHARE` of the shorter one ("recyceln", "recyclebar")."""

    a, b = _fold(a), _fold(b)
    n = len(os.path.commonprefix([a, b]))
    return n >= FAMILY_PREFIX and n >= FAMILY_SHARE * min(len(a), len(b))


def _own_relative(ctx: SentenceContext, head: str, relatives: frozenset[str]) -> bool:
    """Does the draft restrict the noun with a relative clause of its own ("benefits that bring
    the total to $15" for "benefits that would increase that to $15")?"""

    canon = _tokenize(head)[0].canon
    return any(a.canon == canon and b.raw.lower() in relatives for a, b in zip(ctx.toks, ctx.toks[1:]))


def _own_modifier(ctx: SentenceContext, head: str, rest: dict[str, str]) -> bool:
    """Does the draft put a word of its own right before the noun ("needless traffic" for
    "unnecessary traffic"): its modifier, said another way?"""

    canon = _tokenize(head)[0].canon
    return any(b.canon == canon and a.content and a.canon not in rest for a, b in zip(ctx.toks, ctx.toks[1:]))


def _relative_clauses(text: str, lang: str, relatives: frozenset[str]) -> list[tuple[str, int, int]]:
    """(head noun, start, end) of each restrictive relative clause of ``text``."""

    toks = _tokenize(text)
    out = []
    for k in range(1, len(toks) - 1):
        rel, prev, nxt = toks[k], toks[k - 1], toks[k + 1]
        if rel.raw.lower() not in relatives:
            continue
        end = _CLAUSE_END.search(text, rel.end)
        hi = end.start() if end else len(text)
        if lang == "en" and _subject_relative(nxt):
            # "Drivers who speed near schools should lose ...": the main clause's verb (a modal,
            # ``main_clause_verbs``) after the clause's own ends it
            hi = next((t.start for t in toks[k + 2:] if t.start < hi and t.raw.lower() in MAIN_VERBS), hi)
        between = text[prev.end:rel.start]
        if lang == "en" and _restricts_en(between, prev, rel, nxt):
            out.append((prev.raw, rel.start, hi))
        elif lang == "de" and _restricts_de(text, rel, hi):
            head = _de_head(text, toks, k)
            if head is not None:
                out.append((head.raw, rel.start, hi))
    return out


def _beneficiary_phrases(text: str, lang: str) -> list[tuple[str, int, int]]:
    """(head noun, start, end) of each phrase that restricts the noun before it to a group of people:
    "for" / "für" right after a noun, a word of ``beneficiary_groups`` among the phrase's words
    ("free bus passes for elderly and disabled people"). The phrase ends at punctuation or at the
    first function word after a group word that joins no further group word ("for elderly and
    disabled in the county": "in")."""

    preps, groups = _BENEFICIARY.get(lang, (frozenset(), None))
    toks = _tokenize(text)
    out = []
    for k in range(1, len(toks) - 1):
        prev, prep = toks[k - 1], toks[k]
        if prep.raw.lower() not in preps or not prev.content or _CLAUSE_END.search(text, prev.end, prep.start):
            continue
        if not (_may_be_noun(prev.raw) if lang == "en" else prev.raw[:1].isupper()):
            continue
        end = _CLAUSE_END.search(text, prep.end)
        hi, grouped = (end.start() if end else len(text)), False
        for t in toks[k + 1:]:
            if t.start >= hi or (grouped and not t.content and not groups.match(_next_raw(toks, t))):
                hi = min(hi, t.start)
                break
            grouped = grouped or bool(groups.match(t.raw))
        if grouped:
            out.append((prev.raw, prep.start, hi))
    return out


def _negated_modifiers(text: str, lang: str) -> list[tuple[str, int, int]]:
    """(noun, start, end) of each English adjective with a negating prefix (``negated_modifier_prefixes``)
    right before a noun it restricts ("unelected boards": not every board): the word without its
    prefix, at least :data:`MIN_NEGATED_STEM` letters, is an adjective or a verb of WordNet, the word
    itself no noun ("unions", "nonprofit") nor a verb ("united")."""

    if lang != "en":
        return []
    toks, out = _tokenize(text), []
    for tok, nxt in zip(toks, toks[1:]):
        w = tok.raw
        stem = next((w[len(p):].lstrip("-") for p in _NEGATED_PREFIXES if w.startswith(p)), "")
        if (len(stem) >= MIN_NEGATED_STEM and wn.usual_pos(w) in ("", "a") and wn.usual_pos(stem) in ("a", "v")
                and nxt.content and _may_be_noun(nxt.raw) and not _CLAUSE_END.search(text, tok.end, nxt.start)):
            out.append((nxt.raw, tok.start, tok.end))
    return out


def _may_be_noun(word: str) -> bool:
    """English: a noun in one of its WordNet senses ("passes"), or a word WordNet does not know ("EBT")."""

    return wn.is_known(word, "n") or not wn.is_known(word)


def _next_raw(toks: list[_Tok], t: _Tok) -> str:
    """The word after token ``t`` ("" at the end): "elderly and disabled" goes on after "and"."""

    after = [x for x in toks if x.start > t.start]
    return after[0].raw if after else ""


def _subject_relative(nxt: _Tok) -> bool:
    """Does a verb follow the relative pronoun ("who speed"), so that the clause has no subject of
    its own and a modal verb after it is the main clause's ("that residents can apply to": the
    clause's)? A word WordNet knows as a verb that is no determiner or pronoun."""

    return nxt.raw.lower() not in _NOT_RELATIVE_AFTER and wn.is_known(nxt.raw, "v")


def _restricts_en(between: str, prev: _Tok, rel: _Tok, nxt: _Tok) -> bool:
    # "People who ...": a noun the guard reads as no content word restricts as much
    return ("," not in between and prev.raw.isalpha() and wn.is_noun(prev.raw)
            and (rel.raw.lower() != "that" or nxt.raw.lower() not in _NOT_RELATIVE_AFTER))


def _restricts_de(text: str, rel: _Tok, hi: int) -> bool:
    """A clause whose last word is a verb (lower-case, a verb's ending)."""

    words = re.findall(r"[^\W\d_]+", text[rel.end:hi])
    return len(words) >= 2 and words[-1][:1].islower() and bool(_DE_VERB_END.search(words[-1]))


def _de_head(text: str, toks: list[_Tok], k: int) -> _Tok | None:
    """The noun a German relative clause at token ``k`` restricts: the word before it when it is
    capitalised, else (a clause put after its verb: "Läden fördern, die ...") the last capitalised
    word of the clause before, not its first word."""

    prev = toks[k - 1]
    if prev.raw[:1].isupper():
        return prev
    if "," not in text[prev.end:toks[k].start]:
        return None
    for j in range(k - 2, 0, -1):
        if _CLAUSE_END.search(text, toks[j].end, toks[j + 1].start):
            return None
        if toks[j].raw[:1].isupper() and toks[j].content:
            return toks[j]
    return None

