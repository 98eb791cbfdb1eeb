"""A consequence made unconditional: "Shops must recycle their packaging, otherwise they should pay
a fee." -> "Shops should pay a fee." / "Europäische Standards gelten weltweit: Sonst
Importverbot!" -> "Teilnehmende fordern ... ein Importverbot". What a statement says after one of
``otherwise_words`` happens only when its claim is not met; a draft sentence that says that
consequence (every content word of it, or a word WordNet or a compound relates to each) with no
condition, no "otherwise" and no negator of its own asks for it outright: its claim is wider than the
statement's (a dropped condition). A consequence changed is :mod:`.meaning`'s to compare.
"""

from __future__ import annotations

import re

from .added_clauses import _opener, _otherwise, _phrase_opener
from .checks import SentenceContext, _content_words_with_surface
from .lexicon import CONDITION
from .patterns import is_negator_word
from .problems import Problem, ProblemKind
from .restrictions import _said
from .text import _tokenize

#: where a consequence ends: the end of its sentence
_SENTENCE_END = re.compile(r"[.!?;]")
#: a consequence needs at least this many content words to be recognised in a draft
MIN_CONSEQUENCE_WORDS = 1


def check_unconditional_consequence(ctx: SentenceContext) -> list[Problem]:
    """A cited statement's consequence of its claim not being met, said by the draft sentence as a
    claim of its own (see the module's description)."""

    if ctx.lang not in ("en", "de") or not ctx.relevant or _has_condition(ctx):
        return []
    pattern = _otherwise(ctx.lang)
    draft_words = list(_content_words_with_surface(ctx.toks).values())
    for s in ctx.cited:
        for m in pattern.finditer(s.text):
            end = _SENTENCE_END.search(s.text, m.end())
            consequence = _content_words_with_surface(_tokenize(s.text[m.end():end.start() if end else len(s.text)]))
            claim = _content_words_with_surface(_tokenize(s.text[:m.start()]))
            own = [w for c, w in consequence.items() if c not in claim]
            if len(own) >= MIN_CONSEQUENCE_WORDS and all(_said(w, ctx, draft_words) for w in own):
                phrase = " ".join(s.text[m.start():end.start() if end else len(s.text)].split())
                return [Problem(ProblemKind.SCOPE_INFLATED,
                                f"drops the condition of statement {s.id} ('{phrase}'): says '{own[0]}' outright",
                                {"statement": s.id, "phrase": phrase, "words": own})]
    return []


def _has_condition(ctx: SentenceContext) -> bool:
    """Does the draft sentence say a condition, an "otherwise" or a negation of its own ("bei
    Verstößen", "if not")?"""

    openers = (_otherwise(ctx.lang), CONDITION, _opener("condition", ctx.lang), _phrase_opener("condition", ctx.lang))
    return any(p is not None and p.search(ctx.text) for p in openers) or any(is_negator_word(t.raw) for t in ctx.toks)
