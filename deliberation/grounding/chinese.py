"""Checks for Chinese (and Japanese) drafts, which the word-based checks read poorly: these scripts
write no spaces, so the guard's content words are character pairs (:func:`.text._content_set`), and a
draft that restates a statement with one noun changed ('計程車' for '自用車'), a place added ('台北')
or its condition dropped ('自用車載客時，…') still shares most of its pairs with the statement.

Read character by character instead:

- :func:`check_added_characters`: a run of characters that no cited statement writes is content of
  the draft's own (function characters, negators, number characters and the framing words of
  ``cjk_frame_words`` aside: other checks judge those, or they add nothing);
- :func:`check_dropped_condition`: a condition of a cited statement (a clause opened by '如果',
  '只要', '除非' ..., or closed by '時', '的話' ...) that a draft restating the statement leaves out.

The words are in ``data/zh.toml``; each check takes the sentence context and returns the
:class:`Problem` s it finds, like those in :mod:`.checks`.
"""

from __future__ import annotations

import re

from deliberation.text.terms import CHINESE_STOP_CHARS, CHINESE_STOP_WORDS, CJK_CHARS

from .checks import SentenceContext
from .lexicon import CJK_NEGATORS, NUMBER_WORDS, entries
from .problems import Problem, ProblemKind

#: this many characters in a row that no cited statement writes are a word of the draft's own
#: ('計程' of '計程車', '台北'); one is a paraphrase's ('投保' for '保')
MIN_ADDED_CHARACTERS = 2
#: the checks read a draft that restates its statements: at least this share of its character pairs
#: in the cited statements (a draft in the other script, simplified for traditional, shares few and
#: is left to the relevance check)
MIN_SHARED_PAIRS = 0.5
#: a condition is kept when the draft writes at least this share of its character pairs
MIN_KEPT_CONDITION = 0.5
#: a draft restates what a statement's condition governs (and so must keep the condition) when it
#: writes at least this share of its pairs
MIN_RESTATED = 0.5

_CJK_RUN = re.compile(f"[{CJK_CHARS}]+")
#: Japanese kana: a Japanese sentence (the guard gives it the Chinese rules) is not read by these
#: checks, whose lists are Chinese ('の', 'を' would be read as content)
_KANA = re.compile("[\u3040-\u30ff]")
#: what ends a sentence, and a clause in a sentence, in Chinese text (a condition governs what
#: follows it in its sentence only)
_SENTENCE_END = re.compile(r"[。！？!?\n]")
_CLAUSE_END = re.compile(r"[，,；;：:、]")
_FRAME_WORDS = sorted(entries("cjk_frame_words", "zh"), key=len, reverse=True)
_OPENERS = sorted(entries("cjk_condition_openers", "zh"), key=len, reverse=True)
_CLOSERS = sorted(entries("cjk_condition_closers", "zh"), key=len, reverse=True)
_TIME_WORDS = frozenset(entries("cjk_time_words", "zh"))
#: characters other checks judge (negators: the stance check; numbers: the number check) or that
#: carry grammar, not content
_NOT_CONTENT = frozenset(CHINESE_STOP_CHARS) | frozenset(CJK_NEGATORS) | frozenset(
    w for w in NUMBER_WORDS if len(w) == 1)
_OPENER_RE = re.compile("|".join(map(re.escape, _OPENERS)))
_CLOSER_RE = re.compile("|".join(map(re.escape, _CLOSERS)))

#: problems after which these checks have nothing to add
_REPORTED = (ProblemKind.IRRELEVANT, ProblemKind.ADDED_CONTENT, ProblemKind.ADDED_ENTITY, ProblemKind.SUBSTITUTION,
             ProblemKind.CONSENSUS_CLAIM, ProblemKind.STANCE_REVERSED, ProblemKind.SCOPE_INFLATED)


def _masked(text: str) -> str:
    """``text`` with its frame words and two-character function words blanked out."""

    for word in [*_FRAME_WORDS, *sorted(CHINESE_STOP_WORDS, key=lambda w: (-len(w), w))]:
        text = text.replace(word, " " * len(word))
    return text


def _added_runs(draft: str, written: set[str]) -> list[str]:
    """Runs of the draft's content characters that ``written`` (the cited statements' characters) lacks."""

    runs: list[str] = []
    for m in _CJK_RUN.finditer(_masked(draft)):
        run = ""
        for ch in m.group(0) + " ":
            if ch not in written and ch not in _NOT_CONTENT and _CJK_RUN.match(ch):
                run += ch
                continue
            if len(run) >= MIN_ADDED_CHARACTERS:
                runs.append(run)
            run = ""
    return runs


def _share(words: set[str], of: set[str]) -> float:
    return len(words & of) / len(words) if words else 1.0


def _pairs(text: str) -> set[str]:
    """The content of ``text`` as Chinese is read without spaces: the character pairs of its runs of
    Chinese characters (framing and function words cut out) and its other words, lower case. (Not
    the guard's tokens, which read a Latin word written against Chinese characters as one word with
    them: 'uber承認'.)"""

    masked = _masked(text)
    out = {w.lower() for w in _CJK_RUN.sub(" ", masked).split() if any(ch.isalpha() for ch in w)}
    out = {re.sub(r"\W+", "", w) for w in out} - {""}
    for run in _CJK_RUN.findall(masked):
        out.update(run[i: i + 2] for i in range(len(run) - 1))
    return out


def _reads(ctx: SentenceContext) -> bool:
    """Do these checks read the sentence: Chinese, about its statements, nothing found yet?"""

    return (ctx.lang == "zh" and not _KANA.search(ctx.text) and not any(_KANA.search(s.text) for s in ctx.cited)
            and ctx.relevant and not ctx.has(*_REPORTED))


def check_added_characters(ctx: SentenceContext) -> list[Problem]:
    """At least :data:`MIN_ADDED_CHARACTERS` content characters in a row that no cited statement
    writes, in a Chinese draft that otherwise restates its statements."""

    if not _reads(ctx):
        return []
    cited_pairs = set().union(*(_pairs(s.text) for s in ctx.cited))
    if _share(_pairs(ctx.text), cited_pairs) < MIN_SHARED_PAIRS:
        return []
    written = set("".join(s.text for s in ctx.cited))
    runs = _added_runs(ctx.text, written)
    if not runs:
        return []
    words = "', '".join(runs)
    return [Problem(ProblemKind.ADDED_CONTENT, f"adds '{words}', not found in cited {ctx.who}",
                    {"statements": ctx.cited_ids, "words": runs})]


def _condition_in(clause: str) -> tuple[str, str] | None:
    """(condition, the rest of the clause) of one clause, or None."""

    m = _OPENER_RE.search(clause)
    start = m.end() if m else 0
    for c in _CLOSER_RE.finditer(clause, start):
        i = c.start()
        if clause[max(0, i - 1): i + 1] in _TIME_WORDS or clause[i: i + 2] in _TIME_WORDS:
            continue
        return clause[start:i], clause[c.end():]
    return (clause[start:], "") if m else None


def conditions(text: str) -> list[tuple[str, str]]:
    """(condition, what it governs) for each condition of ``text``: the part of a clause after a
    ``cjk_condition_openers`` word and before a ``cjk_condition_closers`` word ('時' of a
    ``cjk_time_words`` word closes none), or the part of a clause before a closer; what it governs
    is the rest of that clause, or the next clause when it ends the clause ('…載客時，應該…')."""

    out: list[tuple[str, str]] = []
    for sentence in _SENTENCE_END.split(text):
        clauses = [c for c in _CLAUSE_END.split(sentence) if c.strip()]
        for k, clause in enumerate(clauses):
            found = _condition_in(clause)
            if found is None or not _CJK_RUN.search(found[0]):
                continue
            cond, governed = found
            if not _pairs(governed) and k + 1 < len(clauses):
                governed = clauses[k + 1]
            out.append((cond, governed))
    return out


def check_dropped_condition(ctx: SentenceContext) -> list[Problem]:
    """A Chinese draft that restates what a condition of a cited statement governs (at least
    :data:`MIN_RESTATED` of its pairs) but writes less than :data:`MIN_KEPT_CONDITION` of the pairs
    of the condition."""

    if not _reads(ctx):
        return []
    draft = _pairs(ctx.text)
    for src in ctx.cited:
        for cond, governed in conditions(src.text):
            cond_pairs, governed_pairs = _pairs(cond), _pairs(governed) - _pairs(cond)
            if not cond_pairs or not governed_pairs or _share(governed_pairs, draft) < MIN_RESTATED:
                continue
            if _share(cond_pairs, draft) < MIN_KEPT_CONDITION:
                said = " ".join("".join(" " if ch in _NOT_CONTENT else ch for ch in _masked(cond)).split())
                return [Problem(ProblemKind.SCOPE_INFLATED,
                                f"drops the condition of statement {src.id} ('{said}'): says it without it",
                                {"statement": src.id, "condition": said})]
    return []


#: the checks of this module, run after the rule checks
CHECKS = (check_added_characters, check_dropped_condition)
