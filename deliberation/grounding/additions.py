"""Checks for what a language model adds to a statement it otherwise restates, in English and
German (French and Spanish have their own lists, :mod:`.own_language`). Found on SmolLM2's drafts
of real consultations (tests/data/grounding_smollm2_drafts.jsonl): a small model copies a statement
and runs on with a phrase of its own ("... with any proposed changes to existing infrastructure"),
or slips one qualifier into a quote ("All urban police must ..."), both too few new words for
:func:`.checks.check_added_content`'s share.

Each check takes the sentence context and returns the :class:`Problem` s it finds, like those in
:mod:`.checks`.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from . import wordnet as wn
from .checks import SentenceContext
from .problems import Problem, ProblemKind

#: this many content words in a row that no cited statement supports are a phrase of the draft's
#: own (one or two are a paraphrase's new words: "shut" for "closed", "at weekends")
MIN_ADDED_PHRASE_WORDS = 3

#: punctuation between two words ends a phrase
_CLAUSE_BREAK = re.compile(r"[,;:.!?()\[\]]")

#: problems after which these checks have nothing to add
_REPORTED = (ProblemKind.IRRELEVANT, ProblemKind.ADDED_CONTENT, ProblemKind.ADDED_REASON, ProblemKind.ADDED_ITEM,
             ProblemKind.ADDED_ENTITY, ProblemKind.SUBSTITUTION, ProblemKind.SCOPE_INFLATED, ProblemKind.FUSED,
             ProblemKind.LINKED)


def check_added_phrase(ctx: SentenceContext) -> list[Problem]:
    """At least :data:`MIN_ADDED_PHRASE_WORDS` content words in a row that no cited statement
    supports (function words between them do not break the row, punctuation does; an expression
    WordNet knows, "great deal", is one word)."""

    if not ctx.relevant or ctx.has(*_REPORTED):
        return []
    novel = ctx.novel
    run: list[str] = []
    best: list[str] = []
    end = 0
    for t in ctx.toks:
        if not t.content or t.raw[:1].isdigit():
            continue
        if _CLAUSE_BREAK.search(ctx.text, end, t.start):
            run = []
        end = t.end
        if t.canon not in novel:
            run = []
        elif run and wn.wordnet() is not None and wn.is_known(f"{run[-1]} {t.raw}", "n"):
            run[-1] = f"{run[-1]} {t.raw}"  # one expression ("a great deal"), one word
        else:
            run = run + [t.raw]
        if len(run) > len(best):
            best = run
    if len(best) < MIN_ADDED_PHRASE_WORDS:
        return []
    phrase = " ".join(best)
    return [Problem(ProblemKind.ADDED_CONTENT, f"adds a phrase not found in cited {ctx.who}: '{phrase}'",
                    {"statements": ctx.cited_ids, "words": best})]


def check_inserted_qualifier(ctx: SentenceContext) -> list[Problem]:
    """English: the draft repeats a sentence of a cited statement word for word but for one
    adjective put before one of its nouns ("All police" -> "All urban police"), which narrows or
    changes what the statement speaks of. An adjective WordNet relates to a word of the statement
    is no new qualifier."""

    if ctx.lang != "en" or wn.wordnet() is None or not ctx.relevant or ctx.has(*_REPORTED):
        return []
    d_toks = [t for t in ctx.toks if t.content]
    for src in ctx.cited:
        for _, sent in src.units:
            s_toks = [t for t in sent.toks if t.content]
            sm = SequenceMatcher(a=[t.canon for t in s_toks], b=[t.canon for t in d_toks], autojunk=False)
            ops = [op for op in sm.get_opcodes() if op[0] != "equal"]
            if len(ops) != 1 or ops[0][0] != "insert" or ops[0][4] - ops[0][3] != 1:
                continue
            k = ops[0][3]
            word, nxt = d_toks[k], (d_toks[k + 1] if k + 1 < len(d_toks) else None)
            if (nxt is not None and word.canon in ctx.novel and wn.usual_pos(word.raw) == "a"
                    and wn.is_noun(nxt.raw) and nxt.canon in src.content):
                return [Problem(ProblemKind.SCOPE_INFLATED,
                                f"speaks of '{word.raw} {nxt.raw}' where statement {src.id} says '{nxt.raw}'",
                                {"statement": src.id, "word": word.raw})]
    return []


#: the checks of this module, run after the rule checks for English and German sentences
CHECKS = (check_added_phrase, check_inserted_qualifier)
