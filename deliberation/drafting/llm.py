"""The LLM drafter: drafts written by a chat model, every sentence citing the statements it uses.

The parts, one concern each (base class :class:`~deliberation.drafting.base.Drafter`; concrete
drafters :class:`~deliberation.drafting.extractive.ExtractiveDrafter` and :class:`LLMDrafter`):

* :mod:`.config`: :class:`LLMDraftConfig`, every limit of the drafter;
* :mod:`.prompts`: the prompt text and the messages (statements only ever as a data block);
* :mod:`.client`: the chat model, its output modes and its failures (:class:`LLMUnavailableError`);
* :mod:`.parsing`: the answer's JSON schema and reading sentences back from the answer;
* :mod:`.sentences`: what is kept of the sentences, and :func:`guard_sentences`.

Faithfulness is NOT judged here: the graph runs ``deliberation.grounding.check_draft`` on the
result (:func:`guard_sentences` does it sentence by sentence, each against the statements it
cites) and falls back to the extractive draft when nothing survives. Model nonsense never raises:
after ``max_retries`` unusable answers :meth:`LLMDrafter.draft` returns ``[]`` and
:attr:`LLMDrafter.last_result` says why. An unreachable server (connection refused, time-out,
rejected key) raises :class:`LLMUnavailableError`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from deliberation.drafting.base import DraftRequest, SourceRef
from deliberation.drafting.client import ChatClient, LLMUnavailableError, ModeUnsupported, bad_answer, partial_answer
from deliberation.drafting.config import LLMDraftConfig
from deliberation.drafting.parsing import clean_item, draft_schema, items_from_payload, parse_draft_output
from deliberation.drafting.prompts import INSTRUCTION_TEXTS, build_messages, refused_items, retry_message, select_sources
from deliberation.drafting.sentences import InstructionIndex, keep_sentences
from deliberation.grounding.problems import PUBLIC_WORDING
from deliberation.models import DraftSentence
from deliberation.safety.instructions import instruction_reasons

if TYPE_CHECKING:  # pragma: no cover
    from langchain_core.language_models import BaseChatModel

__all__ = ["LLMDrafter", "LLMDraftResult", "LLMAttempt"]


@dataclass
class LLMAttempt:
    """One call of the model: its output mode, raw answer and what was wrong with it."""

    mode: Literal["json_schema", "json_object", "text"]
    #: the model's raw answer (text), "" when the call failed
    raw: str = ""
    #: why this attempt gave nothing usable, None when it did
    error: str | None = None


@dataclass
class LLMDraftResult:
    """The details of one :meth:`LLMDrafter.draft`: sentences, attempts, what was dropped and why."""

    sentences: list[DraftSentence] = field(default_factory=list)
    attempts: list[LLMAttempt] = field(default_factory=list)
    #: (sentence text, reason) for sentences removed after parsing
    dropped: list[tuple[str, str]] = field(default_factory=list)
    #: (sentence text, citations given, citations used) for repaired quote citations
    repaired: list[tuple[str, list[str], list[str]]] = field(default_factory=list)
    #: statement ids left out of the prompt (too many, or flagged instruction-like)
    omitted_sources: list[str] = field(default_factory=list)
    #: why the draft is empty, None when it is not
    failure: str | None = None


class LLMDrafter:
    """Drafts with a chat model; see the module docstring.

    ``model``: a ``provider:model`` string for ``init_chat_model`` (e.g. ``"openai:gpt-4o-mini"``),
    a model name served at ``base_url`` (OpenAI-compatible), or a ``BaseChatModel`` instance.
    ``max_retries``: further calls after an unusable answer (no JSON, every sentence dropped,
    cut off at ``max_tokens``); a retry adds a fixed note asking for the JSON again. A request
    the model rejects (e.g. an unsupported ``response_format``) is not counted: the next output
    mode is tried, and remembered for later drafts.

    ``last_result`` holds the details of the latest :meth:`draft` (one drafter per thread).
    """

    def __init__(
        self,
        model: "str | BaseChatModel",
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        temperature: float = 0.0,
        max_retries: int = 2,
        config: LLMDraftConfig = LLMDraftConfig(),
    ):
        self.config = config
        self.max_retries = max(0, int(max_retries))
        self.base_url = base_url
        self.last_result: LLMDraftResult | None = None
        self.client = ChatClient(model, base_url=base_url, api_key=api_key, temperature=temperature, config=config)
        self.name = self.client.name
        self.model = self.client.model
        # and the guard's problem wordings a redraft is shown (prompts: the refused block): the real
        # small model copied the problems it was shown into its redraft
        self._instructions = InstructionIndex((*INSTRUCTION_TEXTS, *PUBLIC_WORDING.values()),
                                              config.instruction_overlap_words)

    # -- Drafter protocol ---------------------------------------------------

    def draft(self, request: DraftRequest) -> list[DraftSentence]:
        return self.draft_with_details(request).sentences

    def refusals_shown(self, request: DraftRequest) -> int:
        """How many of ``request.refused`` the prompt shows (``config.max_refused`` at most)."""
        return len(refused_items(request, self.config))

    def draft_with_details(self, request: DraftRequest) -> LLMDraftResult:
        """Like :meth:`draft`, with the attempts, raw answers and dropped sentences."""
        sources, omitted = select_sources(request, self.config)
        result = LLMDraftResult(omitted_sources=omitted)
        self.last_result = result
        if not sources:
            result.failure = "no statements to draw on"
            return result
        ids = [s.id for s in sources]
        untrusted: set[str] = set()
        if self.config.ignore_instruction_like_citations:
            # also through homoglyphs, zero-width characters, fullwidth letters and rot13
            untrusted = {s.id for s in sources if instruction_reasons(s.text)}
        messages = build_messages(request, self.config, sources)
        limit = self.config.max_sentences(request.kind)
        schema = draft_schema(ids, limit, self.config)
        modes = self.client.modes
        answers = 0  # unusable answers so far; a request the model rejects moves on to the next mode
        while answers <= self.max_retries:
            mode = modes[0]
            msgs = messages if answers == 0 else [*messages, retry_message()]
            attempt = LLMAttempt(mode=mode)
            try:
                raw, payload = self.client.ask(mode, msgs, schema)
            except ModeUnsupported:
                modes.pop(0)
                continue
            except LLMUnavailableError:
                raise
            except Exception as exc:
                result.attempts.append(attempt)
                if bad_answer(exc):  # e.g. cut off at max_tokens: an unusable answer, same mode again
                    attempt.raw = partial_answer(exc)
                    attempt.error = f"unusable answer ({type(exc).__name__}: {str(exc)[:200]})"
                    answers += 1
                    continue
                # the model or server rejected the request
                attempt.error = f"request failed ({type(exc).__name__}: {str(exc)[:200]})"
                if len(modes) > 1:
                    modes.pop(0)  # e.g. a server without json_schema support: next mode
                else:
                    answers += 1
                continue
            result.attempts.append(attempt)
            attempt.raw = raw
            kept = self._keep(_sentences(raw, payload, ids), limit, result, untrusted, sources)
            if kept is None:
                attempt.error = "no JSON with sentences and no cited sentences in the answer"
            elif kept:
                result.sentences = kept
                result.failure = None
                return result
            else:
                attempt.error = ("every sentence was dropped (repeated the instructions or cited only "
                                 "instruction-like statements)")
            answers += 1
        result.failure = "; ".join(
            f"call {k + 1} ({a.mode}): {a.error}" for k, a in enumerate(result.attempts)
        ) or "no answer"
        return result

    def _keep(self, sentences: list[DraftSentence] | None, limit: int, result: LLMDraftResult,
              untrusted: set[str], sources: list[SourceRef]) -> list[DraftSentence] | None:
        """The sentences kept of one answer (None when it had none), noting the dropped ones."""
        if sentences is None:
            return None
        triage = keep_sentences(sentences, limit, untrusted=untrusted, sources=sources,
                                leaks=self._instructions, config=self.config)
        result.dropped += triage.dropped
        result.repaired += triage.repaired
        return triage.kept


def _sentences(raw: str, payload: Any, ids: list[str]) -> list[DraftSentence] | None:
    """The sentences of one answer: from the structured payload, else parsed from its text."""
    if payload is not None:
        items = items_from_payload(payload)
        if items is not None:
            sentences = [s for s in (clean_item(it, ids) for it in items) if s is not None]
            if sentences:
                return sentences
    return parse_draft_output(raw, ids)
