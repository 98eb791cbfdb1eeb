"""The stance check: each clause of a draft sentence aligned to the cited statement clause that
shares most of its words, and refused when it reverses that clause's stance (a negation, a stance
word, a swapped comparison; :mod:`.polarity`), unless both are conditions that say the same."""

from __future__ import annotations

import math

from .affixes import affix_reversal, negation_said_by_affix
from .checks import SentenceContext, _Source
from .lexicon import CONDITION, NEGATING_CONDITION
from .flip import _stance_flip
from .polarity import (_Clause, _clauses, _comparison_swapped, _polarity, _polarity_by_clause,
                       _POLARITY_SPLIT, _PolarityInfo)
from .problems import Problem, ProblemKind
from .text import _fold, _tokenize, _word_canon


def _shared_words(a: _Clause, b: _Clause) -> float:
    """The share of the words of any kind (function words too) of ``a`` and ``b`` that both have."""

    wa, wb = {t.raw.lower() for t in a.toks}, {t.raw.lower() for t in b.toks}
    return len(wa & wb) / len(wa | wb) if wa | wb else 0.0


def align(ctx: SentenceContext, cl: _Clause) -> tuple[_Source, _Clause, _Clause] | None:
    """The cited source clause that shares most content words with draft clause ``cl``
    (None below the alignment thresholds)."""

    best = None
    for src in ctx.cited:
        for sc, parent in src.units:
            shared = len(cl.content & sc.content)
            if not shared:
                continue
            # ties go to the clause that shares most words of any kind: "aber wir die Erde" is
            # aligned to itself, not to "die Erde braucht uns nicht" before it
            key = (shared / len(cl.content), shared / len(cl.content | sc.content), _shared_words(cl, sc))
            if best is None or key > best[0]:
                best = (key, src, sc, parent)
    if best is None:
        return None
    (ratio, _, _), src, sc, parent = best
    shared = len(cl.content & sc.content)
    if ratio < ctx.cfg.min_alignment_overlap or shared < min(ctx.cfg.min_alignment_words, len(cl.content)):
        return None
    return src, sc, parent


def draft_clauses(ctx: SentenceContext) -> list[_Clause]:
    return [c for c in (_clauses(ctx.text, _POLARITY_SPLIT) or [_Clause(ctx.text, ctx.toks, ctx.content)]) if c.content]


def check_stance(ctx: SentenceContext) -> list[Problem]:
    """Negation, stance words and antonyms; swapped comparisons."""

    w = ctx.cfg.polarity_window
    clauses = draft_clauses(ctx)
    unaligned = False
    for cl in clauses:
        aligned = align(ctx, cl)
        if aligned is None:
            unaligned = True
            continue
        src, sc, parent = aligned
        if _comparison_swapped(cl.text, sc.text) and _comparison_swapped(cl.text, parent.text):
            return [Problem(ProblemKind.COMPARISON_SWAPPED,
                            f"reverses the comparison in statement {src.id} (the two sides of 'than' are swapped)",
                            {"statement": src.id})]
        sp, tp = _polarity(cl.text, w), _polarity_by_clause(sc.text, w)
        flip = _stance_flip(sp, tp, cl.content, sc.content)
        flipped, how = flip.flipped, flip.how
        if flipped and sc is not parent:
            # the clause split may have cut the stance apart: check the whole source sentence too
            flipped = _stance_flip(sp, _polarity_by_clause(parent.text, w), cl.content, parent.content)[0]
        if flipped and len(clauses) > 1:
            flipped = _still_flipped_whole(ctx, sp, parent, w)
        if flipped and CONDITION.search(cl.text) and CONDITION.search(parent.text) \
                and _parity(cl.text, parent.text, w) == _parity(parent.text, cl.text, w):
            continue  # "X unless Y" said as "X is fine as long as not Y": a condition, not a reversal
        if flipped and flip.adds_negation and _negation_said_elsewhere(ctx, sp, w, sc.content):
            continue  # "so no pupil starts the day hungry" said by another cited statement
        if flipped and negation_said_by_affix(flip, sp, tp, cl.text, parent.text, w,
                                              ctx.cfg.min_negated_base_letters):
            continue  # "would not be fair" said as "unfair"
        if not flipped:
            affixed = affix_reversal(cl.text, sp, sc.text, tp, ctx.text, src.text,
                                     ctx.cfg.min_negated_base_letters)
            flipped, how = affixed is not None, "'%s' versus '%s'" % affixed if affixed else how
        if flipped:
            return [_reversed(src, how)]
    return _affix_reversal_unaligned(ctx) if unaligned else []


def _reversed(src: _Source, how: str) -> Problem:
    """The problem of a draft sentence that reverses the stance of ``src`` (``how``: in words)."""
    return Problem(ProblemKind.STANCE_REVERSED, f"reverses the stance of statement {src.id} ({how})",
                   {"statement": src.id, "how": how})


def _affix_reversal_unaligned(ctx: SentenceContext) -> list[Problem]:
    """A reversal by an affix in a draft clause that aligns to no clause of a statement, because the
    affixed word was its only word the statement says ("hält es für nötig" for "total unnötig"):
    the whole draft sentence read against each statement sentence it restates
    (:meth:`SentenceContext.restates`)."""

    w = ctx.cfg.polarity_window
    for src in ctx.cited:
        for sc, parent in src.units:
            if sc is not parent or not ctx.restates(parent):
                continue
            found = affix_reversal(ctx.text, _polarity_by_clause(ctx.text, w), parent.text,
                                   _polarity_by_clause(parent.text, w), ctx.text, src.text,
                                   ctx.cfg.min_negated_base_letters)
            if found:
                return [_reversed(src, "'%s' versus '%s'" % found)]
    return []


def _negation_said_elsewhere(ctx: SentenceContext, clause: _PolarityInfo, window: int, aligned: set[str]) -> bool:
    """Does every negator of draft clause ``clause`` negate words (at least
    ``min_words_negated_elsewhere``) that a cited statement negates too, in any of its sentences,
    some of them words the aligned source clause (content words ``aligned``) does not say? The
    draft keeps the statement's own negation, only aligned to another clause than the one it stands
    in ("every school should run a breakfast club so no pupil starts the day hungry, and give every
    pupil an hour of sport" aligned to the statement on sport). When every shared word is the
    aligned clause's too, the draft negates that clause: a statement that says "not X but Y"
    ("Cyclists should not ride on busy roads. Cyclists should ride on quiet roads.") shares only
    subject and verb with a draft that negates Y ("should not ride on quiet roads"), a reversal."""

    negated = [win for axis, _, _, win, _ in clause.occ if axis == "neg" and win]
    if not negated:
        return False
    said = [win for src in ctx.cited for sc, parent in src.units if sc is parent
            for axis, _, _, win, _ in _polarity_by_clause(parent.text, window).occ if axis == "neg"]
    need = ctx.cfg.min_words_negated_elsewhere
    return all(any(len(win & other) >= min(need, len(win)) and (win & other) - aligned for other in said)
               for win in negated)


def _negators(info: _PolarityInfo) -> set[str]:
    return {_word_canon(word) for axis, _, _, _, word in info.occ if axis == "neg"}


def _still_flipped_whole(ctx: SentenceContext, clause: _PolarityInfo, parent: _Clause, window: int) -> bool:
    """A draft clause reverses source sentence ``parent``; does the whole draft sentence? The draft's
    own clause split may have cut its stance apart: "mögen günstig sein, decken aber die Kosten
    nicht" keeps the statement's "nicht" in the clause after "aber". Only when a negator of the
    source stands in another clause of the draft is the whole sentence read instead ("adding parking
    instead of a bike lane" for "remove parking for a bike lane" stays a reversal)."""

    whole, source = _polarity_by_clause(ctx.text, window), _polarity_by_clause(parent.text, window)
    if not (_negators(whole) - _negators(clause)) & _negators(source):
        return True
    return _stance_flip(whole, source, ctx.content, parent.content)[0]


def _parity(text: str, other: str, window: int) -> int:
    """The product of the poles of every negator and stance word of a conditional sentence, a word
    negated by "un-" counting as a negator when ``other`` has it without ("unzulässig" /
    "zulässig") and so does a condition that says "if not" ("until", "es sei denn":
    :data:`.lexicon.NEGATING_CONDITION`): "should not be approved unless ..." (+1) = "is acceptable
    as long as ..." (+1), since "unless" is "if not"; a negation moved between a condition and its
    consequence leaves it unchanged."""

    plain = {_fold(t.raw) for t in _tokenize(other)}
    negated = [t for t in _tokenize(text) if _fold(t.raw).startswith("un") and _fold(t.raw)[2:] in plain]
    flips = len(negated) + len(NEGATING_CONDITION.findall(text))
    return math.prod(pole for _, pole, _, _, _ in _polarity(text, window).occ) * (-1) ** flips
