"""Scope inflated, checked against the sentence of a statement that a draft sentence paraphrases:
some -> all / every, limit -> ban, "including X" that no statement names, a condition or
restriction of the statement dropped ("X, but only on weekends" -> "X"). :func:`check_scope`
returns the :class:`Problem` s it finds, like the checks in :mod:`.checks`; a dropped relative
clause is :mod:`.restrictions`' and a dropped time or place :mod:`.circumstances`'.
"""

from __future__ import annotations

import re

from . import wordnet as wn
from .checks import SentenceContext, _content_words_with_surface, _Source
from .lexicon import CONDITION, INCLUDING, NUMBER_WORDS, alternation, entries, phrase_pattern
from .meaning import _compound_of, _is_noun, _related, _supported_by_wordnet
from .polarity import _POLARITY_SPLIT, _Clause, exception_kept
from .patterns import condition_span, sets_the_scene
from .problems import Problem, ProblemKind
from .text import _content_set, _numbers, _tokenize, german_base_forms

#: some -> all: words that make a claim universal
UNIVERSAL = phrase_pattern("universal_words")
#: (words with which a statement speaks of a whole or of each, what a draft may say for one of them):
#: "complete" -> "completely", "weekly" -> "every week", "total" -> "völlig"
UNIVERSAL_SAID_BY = tuple((re.compile(rf"\b(?:{'|'.join(said)})\b", re.I), re.compile(rf"\b(?:{'|'.join(may)})\b", re.I))
                          for said, may in entries("universal_source_groups"))
#: "per person", "pro Person": a statement with one speaks of each (a draft may say "every")
DISTRIBUTIVE = re.compile(rf"\b(?:{alternation('distributive_words')})\s+(?!(?:{alternation('distributive_idioms')})\b)\w",
                          re.I)
#: a threshold ("ab 6 km", "over 1,000 people"): a threshold_words word at most this many tokens
#: before a number ("ab Grenze von 1M €": 3)
THRESHOLD_REACH = 3
_THRESHOLD = frozenset(w.lower() for w in entries("threshold_words"))
#: a comparison sign right before a number sets a threshold as a threshold word does (">90 Tage", "< 5 km")
_SIGN = re.compile(r"(?:[<>≤≥]=?)\s*$")
#: letters written onto a number ("50k", "10m"): part of the threshold a message quotes
_ATTACHED = re.compile(r"[^\W\d_]*")
#: words that say "1" ("at least one more party" for "at least 1")
_ONE = frozenset(w.lower() for w in entries("one_words"))
#: some -> all: words that limit a claim to part of its subject ("some children")
PARTIAL = phrase_pattern("partial_words")
#: how many tokens after a partial word the words it limits may stand ("some of the older children")
PARTIAL_REACH = 4
#: phrases in which a universal word is not one ("at all", "after all")
UNIVERSAL_IDIOMS = phrase_pattern("universal_idioms")
#: limit -> ban: the ban side and the limit side
BAN = phrase_pattern("ban_words")
LIMIT = phrase_pattern("limit_words")
#: only / except: a restriction a draft may not drop, and phrases in which the word is none
RESTRICTION = phrase_pattern("restriction_words")
RESTRICTION_IDIOMS = phrase_pattern("restriction_idioms")
#: where the list of instances after "including" / "such as" ends: the end of its clause, or the
#: verb after it ("such as Three Springs, plus bike routes, would lower the risk")
_INSTANCE_END = re.compile(_POLARITY_SPLIT.pattern + r"|[;:!?]|\.(?:\s|$)"
                           + rf"|\b(?:{'|'.join(entries('modal_verbs'))})\b", re.I)


def _universal(text: str) -> list[str]:
    text = UNIVERSAL_IDIOMS.sub(" ", text)
    return [m.group(0) for m in UNIVERSAL.finditer(text)]


def _unlicensed(draft: str, sources: str) -> str:
    """``draft`` without the universal words that a word of ``sources`` lets it say
    (:data:`UNIVERSAL_SAID_BY`: "completely" for a statement's "complete")."""

    for said, may in UNIVERSAL_SAID_BY:
        if said.search(sources):
            draft = may.sub(" ", draft)
    return draft


def check_scope(ctx: SentenceContext) -> list[Problem]:
    """some -> all, limit -> ban, "including X", a dropped condition."""

    if not ctx.relevant:
        return []
    sources = " ".join(s.text for s in ctx.cited)
    said = _universal(_unlicensed(ctx.text, sources))
    if said and not _universal(sources) and not DISTRIBUTIVE.search(sources):
        return [Problem(ProblemKind.SCOPE_INFLATED,
                        f"says '{said[0]}' where {ctx.who} {ctx.does} not speak of all",
                        {"statements": ctx.cited_ids, "word": said[0]})]
    ban = BAN.search(ctx.text)
    if ban and not BAN.search(sources) and LIMIT.search(sources):
        return [Problem(ProblemKind.SCOPE_INFLATED,
                        f"says '{ban.group(0)}' where {ctx.who} {'ask' if len(ctx.cited) > 1 else 'asks'} only to limit "
                        f"('{LIMIT.search(sources).group(0)}')", {"statements": ctx.cited_ids, "word": ban.group(0)})]
    return _dropped_partial(ctx) or _including(ctx) or _dropped_condition(ctx) or _dropped_threshold(ctx)


def _dropped_threshold(ctx: SentenceContext) -> list[Problem]:
    """A sentence of a cited statement that the draft sentence restates (:meth:`SentenceContext.restates`) sets a
    threshold, one of threshold_words at most :data:`THRESHOLD_REACH` tokens before a number ("ab
    6 km Fahrt", "above 50 euros") or a comparison sign right before it (">90 Tage"), and the draft
    says no number of that value: its claim holds below the threshold too."""

    words = {t.raw.lower() for t in ctx.toks}
    said = {round(v, 4) for _, v, _ in _numbers(ctx.text, ctx.toks)} \
        | {round(v, 4) for w, v in NUMBER_WORDS.items() if w in words} | ({1.0} if words & _ONE else set())
    for s in ctx.cited:
        for sent in (p for sc, p in s.units if sc is p and ctx.restates(p)):
            for surface, val, k in _numbers(sent.text, sent.toks):
                before = sent.toks[max(0, k - THRESHOLD_REACH):k]
                word = next((t.start for t in before if t.raw.lower() in _THRESHOLD), None)
                sign = _SIGN.search(sent.text, 0, sent.toks[k].start)  # ">90 Tage"
                start = word if word is not None else (sign.start() if sign else None)
                if start is not None and round(val, 4) not in said:
                    # the statement's words, threshold to number with what is written onto it ("over 50k")
                    span = sent.text[start:_ATTACHED.match(sent.text, sent.toks[k].end).end()]
                    return [Problem(ProblemKind.SCOPE_INFLATED,
                                    f"drops the threshold '{span}' of statement {s.id}",
                                    {"statement": s.id, "number": surface})]
    return []


def _dropped_partial(ctx: SentenceContext) -> list[Problem]:
    """some -> all without a universal word: a cited statement limits a claim to part of its
    subject ("some children with dietary needs cannot eat ...") and the draft, speaking of that
    subject, keeps no such limit ("No child with dietary needs can eat ...", "Children ...")."""

    if PARTIAL.search(ctx.text):
        return []
    for s in ctx.cited:
        sent = _paraphrased_sentence(ctx, s)
        for m in PARTIAL.finditer(sent.text if sent else ""):
            after = [t for t in _tokenize(sent.text[m.end():])[:PARTIAL_REACH] if t.content]
            limited = [t.raw for t in after if t.canon in ctx.content]
            if limited:
                return [Problem(ProblemKind.SCOPE_INFLATED,
                                f"speaks of all '{limited[0]}' where statement {s.id} says '{m.group(0)} {limited[0]}'",
                                {"word": m.group(0), "statement": s.id})]
    return []


def _including(ctx: SentenceContext) -> list[Problem]:
    """"including X", "such as X", "X for example": a thing named as an instance that no cited
    statement names (nor a synonym or hypernym of one). The instances are the nouns after the
    phrase up to the end of its clause, or before it back to a comma when a comma follows it."""

    m = INCLUDING.search(ctx.text)
    if not m:
        return []
    if re.match(r"\s*(?:,|$)", ctx.text[m.end():]):
        lo, hi = ctx.text.rfind(",", 0, m.start()) + 1, m.start()
    else:
        lo, hi = m.end(), len(ctx.text)
        end = _INSTANCE_END.search(ctx.text, lo)
        hi = end.start() if end else hi
    new = [t.raw for k, t in enumerate(ctx.toks) if lo <= t.start < hi and t.canon in ctx.novel
           and _is_noun(t, ctx.lang, k, ctx.toks) and not _supported_by_wordnet(ctx, t.raw)]
    if not new:
        return []
    return [Problem(ProblemKind.SCOPE_INFLATED,
                    f"includes '{new[0]}', which {ctx.who} {ctx.does} not name",
                    {"statements": ctx.cited_ids, "word": new[0]})]


def _dropped_condition(ctx: SentenceContext) -> list[Problem]:
    """The sentence of a cited statement that the draft sentence paraphrases has a condition ("if",
    "unless", "sofern") or a restriction ("only", "except", "nur", "ausgenommen") and the draft
    sentence keeps neither one of its own nor the words it restricts to."""

    for pattern, own in ((CONDITION, CONDITION.search(ctx.text)), (RESTRICTION, _restriction(ctx.text))):
        if own:
            continue
        for s, sent in _conditioned_sentences(ctx, pattern):
            m = pattern.search(sent.text) if pattern is CONDITION else _restriction(sent.text)
            if m and _is_condition(sent.text, m) and not _condition_kept(ctx, sent.text, m) \
                    and not exception_kept(ctx.text, m):
                cond = condition_span(sent.text, m)
                return [Problem(ProblemKind.SCOPE_INFLATED,
                                f"drops the condition of statement {s.id} ('{m.group(0)} {cond.strip()[:50]}')",
                                {"statement": s.id})]
    return []


def _conditioned_sentences(ctx: SentenceContext, pattern: re.Pattern[str]) -> list[tuple[_Source, _Clause]]:
    """The sentences of the cited statements whose condition or restriction (``pattern``) the draft
    must keep: the one it paraphrases (:func:`_paraphrased_sentence`, when it shares a word with the
    draft at all: an LLM's draft sentence that restates another cited statement drops no condition
    of this one) and every one whose claim
    outside the condition it restates (at least ``min_scope_overlap`` of those words, and
    ``min_alignment_words`` of them), though it joins it with another ("X still exists, and Y will
    never be achieved" for "X still exists. Y will never be achieved until X ceases")."""

    out = []
    for s in ctx.cited:
        best = _paraphrased_sentence(ctx, s)
        for sent in (parent for sc, parent in s.units if sc is parent):
            m = pattern.search(sent.text) if pattern is CONDITION else _restriction(sent.text)
            if m is None:
                continue
            cond = condition_span(sent.text, m)
            claim = _content_set(_tokenize(sent.text[:m.start()] + " " + sent.text[m.end() + len(cond):]))
            shared = len(claim & ctx.content)
            # a claim shorter than min_alignment_words counts when all of it is said ("..., werden sie mitziehen")
            if (sent is best and _shares_a_word(ctx, sent)) or (
                    claim and shared >= min(ctx.cfg.min_alignment_words, len(claim))
                    and shared / len(claim) >= ctx.cfg.min_scope_overlap):
                out.append((s, sent))
    return out


def _shares_a_word(ctx: SentenceContext, sent: _Clause) -> bool:
    """Does the draft sentence say any content word of ``sent``, or one word containing the other
    ("Onlinehandel" for "Online Handel")?"""

    if sent.content & ctx.content:
        return True
    words = [t.raw for t in sent.toks if t.content]
    return any(_compound_of(t.raw, w) for t in ctx.toks if t.content for w in words)


#: condition words that make a condition only before a clause ("until it ceases", not "until midnight")
_CLAUSE_CONDITIONS = frozenset(w.lower() for w in entries("clause_conditions"))


def _is_condition(sent: str, m: re.Match[str]) -> bool:
    """Is the condition or restriction word ``m`` of ``sent`` one: not a word of
    :data:`_CLAUSE_CONDITIONS` before words without a verb (WordNet's usual part of speech)?"""

    if sets_the_scene(sent, m):
        return False
    if m.group(0).lower() not in _CLAUSE_CONDITIONS or wn.wordnet() is None:
        return True
    cond = condition_span(sent, m)
    return any(wn.usual_pos(t.raw) == "v" for t in _tokenize(cond) if t.raw.isalpha())


def statement_sentences(ctx: SentenceContext, s: _Source) -> list[_Clause]:
    """The sentences of cited statement ``s``, the one the draft sentence paraphrases
    (:func:`_paraphrased_sentence`) first, then those it restates too (:meth:`SentenceContext.restates`): a draft
    sentence may restate two of them at once ("X, and Y" for "X. Y but only Z")."""

    best = _paraphrased_sentence(ctx, s)
    others = [p for sc, p in s.units if sc is p and p is not best and ctx.restates(p)]
    return ([best] if best else []) + others


def _paraphrased_sentence(ctx: SentenceContext, s: _Source) -> _Clause | None:
    """The sentence of cited statement ``s`` that the draft sentence paraphrases: the one sharing
    most of its content words (the shorter one on a tie)."""

    sentences = [parent for sc, parent in s.units if sc is parent]
    return max(sentences, key=lambda p: (len(p.content & ctx.content), -len(p.content)), default=None)


def _restriction(text: str) -> re.Match[str] | None:
    """The first restriction word of ``text`` ("only", "nur"), idioms ("not only") left out."""

    masked = RESTRICTION_IDIOMS.sub(lambda m: " " * len(m.group(0)), text)
    return RESTRICTION.search(masked)


#: a condition word ("if", "sofern"); a condition that matches none opens with its verb
#: (:data:`.lexicon.VERB_FIRST_CONDITION`)
_CONDITION_WORD = re.compile(rf"(?:{alternation('condition_words')})", re.I)


def _condition_kept(ctx: SentenceContext, sent: str, m: re.Match[str]) -> bool:
    """Does the draft keep the words of the condition or restriction ``m`` of source sentence
    ``sent``? Only the condition's own words count ("... on city issues if they work in the city":
    "work", not "city"), and only draft words that the rest of the sentence (or another sentence
    of the cited statements) does not explain
    ("employers of homeless people" is the consequence, not "eliminates homelessness")."""

    cond = condition_span(sent, m)
    rest = set(_content_words_with_surface(_tokenize(sent[:m.start()] + " " + sent[m.end() + len(cond):])))
    if m.re is CONDITION and not _CONDITION_WORD.fullmatch(m.group(0)):
        cond = f"{m.group(0)} {cond}"  # a condition that opens with its verb says it: "Berücksichtigen ..., werden"
    # the other sentences of the cited statements explain their words too ("White privilege still
    # exists. Equality ... until white privilege ceases": "white privilege" is the first sentence's)
    rest |= {c for src in ctx.cited for sc, p in src.units if sc is p and p.text != sent for c in p.content}
    words = {c: w for c, w in _content_words_with_surface(_tokenize(cond)).items() if c not in rest}
    if not words:
        return False  # a condition with no words of its own ("except for this issue") is kept only as one
    if ctx.lang == "en":  # names a draft may move into its main clause ("If the March ... the Party, we lose")
        words = {c: w for c, w in words.items() if not w[:1].isupper()} or words
    draft_words = [w for c, w in _content_words_with_surface(ctx.toks).items() if c not in rest]
    draft_canon = {c for c in ctx.content if c not in rest}
    said = {c for c, w in words.items() if c in draft_canon or any(_related(w, d) for d in draft_words)}
    # the condition's own verb or adjective ("rise" of "if rents rise") says what must happen: a
    # draft that keeps only its noun ("cap rents" for "cap them") keeps no condition
    predicate = _predicate(words, cond, ctx.lang)
    if ctx.lang == "de":  # "bei steigenden Mieten" for "wenn die Mieten steigen": the verb as an adjective
        said |= {c for c in predicate if any(c in german_base_forms(d) for d in draft_words if d[:1].islower())}
    if predicate and not predicate & said:
        return False
    return len(said) / len(words) >= ctx.cfg.min_scope_overlap and not _made_reason(ctx, sent, words)


def _predicate(words: dict[str, str], cond: str, lang: str) -> set[str]:
    """The words of condition ``cond`` (its own ``words``, canonical form -> surface) that say what
    happens or how things are: German lower-case words (a German noun is written with a capital);
    English words whose usual WordNet part of speech is a verb or an adjective, but for its
    subject (:func:`_subject`); none without WordNet."""

    if lang == "de":
        return {c for c, w in words.items() if w[:1].islower() and w.isalpha()}
    if lang != "en" or wn.wordnet() is None or not words:
        return set()
    subject = _subject(list(words.values()), cond)
    return {c for c, w in words.items() if w not in subject and w.isalpha() and wn.usual_pos(w) in ("v", "a")}


def _subject(words: list[str], cond: str) -> set[str]:
    """The subject among the first ``words`` of English condition ``cond``, when no pronoun stands
    before them: adjectives up to the first word WordNet knows as a noun ("electoral college" of
    "if electoral college stays", "rents" of "if rents rise"); none when a verb comes first
    ("without paying workers")."""

    if not words or _PRONOUN.search(cond[:cond.find(words[0])]):
        return set()
    out = set()
    for w in words:
        out.add(w)
        if wn.is_known(w, "n"):
            return out
        if wn.usual_pos(w) != "a":
            return set()
    return set()


#: a subject pronoun ("we", "it"): the subject of a condition that stands before its first content word
_PRONOUN = re.compile(rf"\b(?:{alternation('subject_pronouns')})\b", re.I)
#: because / weil: what follows gives a reason
_REASON = phrase_pattern("reason_links")


def _made_reason(ctx: SentenceContext, sent: str, words: dict[str, str]) -> bool:
    """Does the draft restate a condition's own ``words`` as a reason ("... if they prove X" ->
    "... because X"): at least ``min_scope_overlap`` of them after a reason link the source
    sentence does not use?"""

    m = _REASON.search(ctx.text)
    if m is None or _REASON.search(sent):
        return False
    after = _content_set(_tokenize(ctx.text[m.end():]))
    return sum(c in after for c in words) / len(words) >= ctx.cfg.min_scope_overlap
