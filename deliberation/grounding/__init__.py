"""Faithfulness guard for drafted consensus / minority statements.

:func:`check_draft` splits a draft into sentences and checks every sentence against the
participant statements it cites. A sentence is *unsupported* when it

* cites nothing relevant (low content-word overlap and, with an encoder, low embedding
  similarity to every cited statement);
* adds numbers, names or places that the cited statements do not contain;
* reverses the stance of the statement it paraphrases (negation, antonyms, stance words) or swaps
  the sides of a comparison;
* claims agreement the statements do not state ("everyone agrees", "the majority wants");
* links two statements with a connection neither makes, or fuses parts of two into one claim;
* adds content words, a list item or a reason / consequence that no cited statement supports;
* is itself an instruction to a model.
* is in a language the guard has no word lists for and is not a word-for-word quote of a cited
  statement (:mod:`.reach`).

Every check is one function in :mod:`.checks` returning :class:`Problem` s of a
:class:`ProblemKind`; the public report words each kind (:func:`public_reason`). Word lists are
per-language data files (``data/<lang>.toml``, :mod:`.lexicon`; adding a language is adding a
file). Statement text is only ever data: instruction-like text inside a statement (found by
:mod:`deliberation.safety.instructions`) is left out of what the statement claims.
"""

from .guard import check_draft, check_draft_json, check_sentence
from .judge import JudgeConfig, LLMJudge
from .models import CheckDraftRequest, GroundingConfig, GroundingReport, SentenceVerdict, SourceStatement, TextEncoder
from .problems import WITHHELD, Problem, ProblemKind, public_reason
from .text import extract_inline_citations, split_sentences

__all__ = [
    "TextEncoder",
    "SourceStatement",
    "SentenceVerdict",
    "GroundingReport",
    "GroundingConfig",
    "CheckDraftRequest",
    "Problem",
    "LLMJudge",
    "JudgeConfig",
    "ProblemKind",
    "WITHHELD",
    "check_draft",
    "check_draft_json",
    "check_sentence",
    "split_sentences",
    "extract_inline_citations",
    "public_reason",
]
