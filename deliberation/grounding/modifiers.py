"""A modifier that restricts a noun of a statement and that a draft drops, so that its claim is
about every such thing: "employers should pay back on bad layoffs" -> "... pay back for layoffs",
"rescind all 2017 laws" -> "rescind all laws", "Presidential candidates should be tested" ->
"Candidates ... should be tested".

A modifier is an English adjective (WordNet's usual part of speech) or a number right before the
noun that heads its phrase (no noun follows it: "opening hours" is about hours, not openings). It
is none when it is one of several joined modifiers ("luxury or upscale housing": the draft may name
one), part of a hyphenated word ("city-wide"), a comparative ("higher positions": a degree, which
:mod:`.meaning` compares), or when "modifier noun" is in WordNet a synonym of the noun alone
("political party" is a "party"). The draft drops it when it says the noun as a noun, at least
:data:`~.circumstances.MIN_KEPT_REST` of the rest of the statement's sentence, neither the modifier
(nor a word WordNet relates to it, a compound or a word of its family; for a number, that number)
nor a modifier of its own before the noun ("e-scooters" for "electric scooters").
Negating adjectives ("unelected") and relative clauses are :mod:`.restrictions`' too.
"""

from __future__ import annotations

import re

from . import wordnet as wn
from .checks import SentenceContext, _content_words_with_surface
from .circumstances import MIN_KEPT_REST, MIN_REST_WORDS
from .lexicon import NUMBER_WORDS, entries
from .meaning import _DETERMINERS, _VERB_BEFORE, _is_noun
from .patterns import _SUBJECTS
from .problems import Problem, ProblemKind
from .restrictions import _said
from .scope import statement_sentences
from .text import _numbers, _Tok, _tokenize
from .wordnet_examples import senses_quoting

#: words that say "1" ("in one year" keeps "In 1 year")
_ONE = frozenset(w.lower() for w in entries("one_words"))
#: a modifier restricts the last of at most this many more nouns after the first ("2019 parking rules")
COMPOUND_REACH = 2
#: only blanks between a modifier and its noun (a comma, a hyphen or a slash ends the phrase)
_GAP = re.compile(r"\s+")
#: what joins two modifiers of one noun ("luxury or upscale housing", "safe, clean parks")
_JOINED = re.compile(r"^(?:and|or|nor|&)$", re.I)
_JOIN_PUNCT = re.compile(r"[,/&]")
#: the ending of a past participle that may modify a noun ("protected bike lanes")
_PARTICIPLE = "ed"
#: comparative and superlative endings of an adjective whose WordNet base form differs ("higher": "high")
_GRADED = ("er", "est")


def check_dropped_modifier(ctx: SentenceContext) -> list[Problem]:
    """The statement sentence the draft sentence restates restricts a noun by an adjective or a
    number and the draft says the noun and the rest of that sentence without it."""

    if ctx.lang != "en" or not ctx.relevant or wn.wordnet() is None:
        return []
    draft_words = list(_content_words_with_surface(ctx.toks).values())
    numbers = _said_numbers(ctx)
    for s in ctx.cited:
        for sent in statement_sentences(ctx, s):
            toks = _tokenize(sent.text)
            for mod, phrase in _modified_nouns(sent.text, toks):
                noun, before = phrase[-1], _before(toks, mod)
                if not _phrase_said(ctx, phrase, before) or _names_the_noun(mod.raw, noun.raw) or _said_alone(ctx, mod, phrase):
                    continue
                if (round(_value(mod.raw), 4) in numbers) if mod.raw[:1].isdigit() else _said(mod.raw, ctx, draft_words):
                    continue
                rest = {t.canon: t.raw for t in toks if t.content and t is not mod and not t.raw[:1].isdigit()}
                if len(rest) < MIN_REST_WORDS or _own_modifier(ctx, phrase[0], rest):
                    continue
                if sum(_said(w, ctx, draft_words) for w in rest.values()) / len(rest) >= MIN_KEPT_REST:
                    said = " ".join(t.raw for t in phrase)
                    return [Problem(ProblemKind.SCOPE_INFLATED,
                                    f"speaks of all '{said}' where statement {s.id} says '{mod.raw} {said}'",
                                    {"statement": s.id, "word": noun.raw, "modifier": mod.raw})]
    return []


def _modified_nouns(text: str, toks: list[_Tok]) -> list[tuple[_Tok, tuple[_Tok, ...]]]:
    """(modifier, noun phrase) of each adjective or number right before the noun that heads its
    phrase, or before nouns that modify that head ("2019 parking rules": "parking rules")."""

    out = []
    for j in range(1, len(toks)):
        mod, noun = toks[j - 1], toks[j]
        if not _GAP.fullmatch(text[mod.end:noun.start]) or not noun.content or not noun.raw.isalpha() \
                or not (_is_noun(noun, "en", j, toks) or (mod.raw[:1].isdigit() and wn.is_known(noun.raw, "n"))):
            continue  # a word after a number is a noun ("2020 graduates")
        first = j
        for _ in range(COMPOUND_REACH):  # "2019 parking rules": the modifier restricts the rules
            if not _noun_follows(text, toks, j):
                break
            j += 1
        if _noun_follows(text, toks, j):
            continue
        phrase = tuple(toks[first:j + 1])
        if (mod.start > 0 and text[mod.start - 1] in "-/") or _joined(text, toks, first - 1):
            continue  # "city-wide bike routes", "luxury or upscale housing"
        if mod.raw[:1].isdigit() or (mod.content and mod.raw.isalpha() and not _graded(mod.raw) and not _says_it_is(mod.raw, toks[first].raw)
                                     and (wn.usual_pos(mod.raw) == "a" or _participle_adjective(toks, first - 1))):
            out.append((mod, phrase))
    return out


#: WordNet head adjectives that say of a thing only that it is so: "real action", "true reform", "actual
#: change" are action, reform, change (emphasis, not a kind of them). Heads, not their attribute: the
#: attributes reality, truth and actuality also have the opposite poles as values ("false", "unreal",
#: "fictitious", "spurious"), and dropping one of those does change the claim ("correct false claims")
BEING_SO_HEADS = frozenset({"real.a.01", "true.a.01", "actual.a.01"})


def _says_it_is(adjective: str, noun: str) -> bool:
    """Does ``adjective`` say of ``noun`` only that it is one in fact (:data:`BEING_SO_HEADS`)? Not
    where WordNet quotes the pair as an example of another of its senses: "real wages" are wages
    corrected for inflation, a term (:func:`.wordnet_examples.senses_quoting`)."""
    if not wn.adjective_heads(adjective) & BEING_SO_HEADS:
        return False
    heads = {h.name() for s in senses_quoting(adjective, noun) for h in (s.similar_tos() if s.pos() == "s" else [s])}
    return not heads - BEING_SO_HEADS


def _participle_adjective(toks: list[_Tok], k: int) -> bool:
    """Is token ``k`` a past participle WordNet knows as an adjective, after a word that is no
    subject and asks for no verb ("more protected bike lanes", not "they protected bike lanes")?"""

    prev = toks[k - 1] if k > 0 else None
    return (toks[k].raw.lower().endswith(_PARTICIPLE) and wn.is_known(toks[k].raw, "a") and prev is not None
            and not prev.content and not _SUBJECTS.fullmatch(prev.raw) and not _VERB_BEFORE.match(prev.raw))


def _before(toks: list[_Tok], mod: _Tok) -> str:
    """The canonical form of the word before the modifier ``mod`` ("" at the start)."""

    k = next(i for i, t in enumerate(toks) if t is mod)
    return toks[k - 1].canon if k else ""


def _noun_follows(text: str, toks: list[_Tok], j: int) -> bool:
    """Is token ``j`` a noun's modifier itself: a content word WordNet knows as a noun (and not
    usually as an adjective or adverb) follows it with only blanks between ("health care")?"""

    if j + 1 >= len(toks):
        return False
    nxt = toks[j + 1]
    return bool(_GAP.fullmatch(text[toks[j].end:nxt.start]) and nxt.content and nxt.raw.isalpha()
                and wn.is_known(nxt.raw, "n") and wn.usual_pos(nxt.raw) in ("n", "v"))


def _joined(text: str, toks: list[_Tok], k: int) -> bool:
    """Is the modifier at token ``k`` joined to one before it ("luxury or upscale", "safe, clean")?"""

    return k >= 1 and (bool(_JOINED.match(toks[k - 1].raw)) or bool(_JOIN_PUNCT.search(text, toks[k - 1].end, toks[k].start)))


def _graded(word: str) -> bool:
    """A comparative or superlative ("higher", "longest"): its WordNet base form is another word."""

    return word.lower().endswith(_GRADED) and any(base != word.lower() for base in wn.lemmas(word))


def _names_the_noun(mod: str, noun: str) -> bool:
    """Does "``mod`` ``noun``" name what the noun alone names, a sense they share in WordNet
    ("political party", "party")?"""

    return bool(set(wn._synsets(noun, "n")) & set(wn._synsets(f"{mod} {noun}", "n")))


def _phrase_said(ctx: SentenceContext, phrase: tuple[_Tok, ...], before: str) -> bool:
    """Does the draft say the noun ``phrase``, its words in a row, the last (a form of the same
    WordNet lemma) as a noun ("burden", not "would not burden"; "parking rules", not "rules")? A
    word read as a verb alone ("drinks", "protests") is the statement's noun when the draft says it
    in the same form after the word the statement says before the modifier, or after a determiner
    ("ban sugary drinks" -> "ban drinks", "at peaceful protests" -> "at protests")."""

    n, forms = len(phrase), wn.lemmas(phrase[-1].raw)
    for k in range(len(ctx.toks) - n + 1):
        last = ctx.toks[k + n - 1]
        if not all(t.canon == p.canon for t, p in zip(ctx.toks[k:k + n], phrase)) or not wn.lemmas(last.raw) & forms:
            continue
        prev = ctx.toks[k - 1].raw.lower() if k else ""
        if _is_noun(last, "en", k + n - 1, ctx.toks) or (
                last.raw.lower() == phrase[-1].raw.lower()
                and ((ctx.toks[k - 1].canon == before if k else not before) or prev in _DETERMINERS)):
            return True
    return False


def _said_alone(ctx: SentenceContext, mod: _Tok, phrase: tuple[_Tok, ...]) -> bool:
    """Does a cited statement say the noun phrase without the modifier too ("my own true identifiers.
    ... all identifiers"): the draft's may be that one?"""

    n = len(phrase)
    return any(all(t.canon == p.canon for t, p in zip(src.toks[k:k + n], phrase)) and (k == 0 or src.toks[k - 1].canon != mod.canon)
               for src in ctx.cited for k in range(len(src.toks) - n + 1))


def _own_modifier(ctx: SentenceContext, noun: _Tok, rest: dict[str, str]) -> bool:
    """Does the draft put a modifier of its own right before the noun: a word the rest of the
    statement's sentence does not say, a number, or a prefix ("E-scooters")?"""

    return any(b.canon == noun.canon and ((a.content and a.canon not in rest) or a.raw[:1].isdigit()
                                          or ctx.text[a.end:b.start] == "-")
               for a, b in zip(ctx.toks, ctx.toks[1:]))


def _said_numbers(ctx: SentenceContext) -> set[float]:
    """The values of the numbers the draft sentence says, in figures or in words ("one year")."""

    words = {t.raw.lower() for t in ctx.toks}
    return ({round(v, 4) for _, v, _ in _numbers(ctx.text, ctx.toks)}
            | {round(v, 4) for w, v in NUMBER_WORDS.items() if w in words} | ({1.0} if words & _ONE else set()))


def _value(raw: str) -> float:
    """The value of a number token ("2017", "1,000"); NaN when it has none."""

    digits = re.sub(r"[^\d.]", "", raw)
    try:
        return float(digits)
    except ValueError:
        return float("nan")
