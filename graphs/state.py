"""The facilitation graph's state: one typed object, :class:`FacilitationState`.

Nodes read it typed (drafts as :class:`DraftRecord`, the analysis as ``AnalysisResult``) and
return typed updates; each field's reducer stores the update as plain JSON, so the checkpoint
holds JSON any checkpointer can store, earlier checkpoints load unchanged, and readers of
``graph.get_state().values`` (the runner, the UI, the report) see plain dicts and lists.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic_core import to_jsonable_python

from deliberation.analysis.pipeline import AnalysisResult
from deliberation.facilitation import DraftSentenceVerdict
from deliberation.models import Draft, DraftKind, DraftSentence
from deliberation.wording import Audience, draft_heading, draft_text, plain_text


def _json(_old: Any, new: Any) -> Any:
    """Reducer: the update replaces the value, kept as plain JSON in the checkpoint."""
    return to_jsonable_python(new)


def _append(old: list | None, new: list | None) -> list:
    """Reducer of the run log: lines are appended."""
    return list(old or []) + list(new or [])


DraftStatus = Literal["draft", "approved", "rejected", "published"]


class DraftRecord(BaseModel):
    """One draft as the graph carries it from drafting through grounding, review and publishing
    to the report."""

    model_config = ConfigDict(extra="ignore")

    #: the audience key it speaks for ("all:<i>", "group:<n>", "topic:<n>"; deliberation.wording.Audience)
    key: str
    kind: DraftKind
    #: the audience in words with its size, as the drafter was told
    audience: str = ""
    purpose: str = ""
    sentences: list[DraftSentence] = Field(default_factory=list)
    #: the drafter that made the current sentences ("extractive", "llm", ...)
    drafter: str = "extractive"
    #: drafting attempts so far (an LLM draft the guard rejects whole is redrafted, bounded)
    attempt: int = 1
    #: statement ids offered to the drafter
    sources: list[str] = Field(default_factory=list)
    #: what happened to the draft, in words (reaches the public report: never a rejected sentence's words)
    notes: str = ""
    #: checked by the guard since it was last drafted
    grounded: bool = False
    #: the guard's verdict per sentence (with the words, for the moderator)
    verdicts: list[DraftSentenceVerdict] = Field(default_factory=list)
    status: DraftStatus = "draft"
    #: opposed positions quoted side by side, each with who holds it
    split: bool = False
    #: the stored draft's id once the moderator decided on it
    draft_id: int | None = None
    #: the moderator's last edit that the guard did not accept, and why (shown for correction):
    #: ``text``, ``reason`` (the guard's English words) and ``problems`` ([kind, message] pairs)
    edit_rejected: dict[str, Any] | None = None

    @property
    def audience_key(self) -> Audience:
        return Audience.parse(self.key)

    @property
    def heading(self) -> str:
        return draft_heading(self.key, split=self.split)

    def sentence_dicts(self) -> list[dict[str, Any]]:
        return [s.model_dump() for s in self.sentences]

    @property
    def text(self) -> str:
        """The whole text as participants read it (and vote on it)."""
        return draft_text(self.sentence_dicts())

    @property
    def plain_text(self) -> str:
        """The sentences without who holds them: what a moderator edits and the guard checks."""
        return plain_text(self.sentence_dicts())

    @property
    def citations(self) -> list[str]:
        return sorted({c for s in self.sentences for c in s.citations})

    @property
    def pending(self) -> bool:
        """Waits for the moderator: has sentences and no decision yet."""
        return bool(self.sentences) and self.status == "draft"

    def as_draft(self, **extra: Any) -> Draft:
        """The domain's :class:`Draft` (for the guard, the coverage audit and the store)."""
        return Draft(kind=self.kind, speaks_for=self.key, drafter=self.drafter, notes=self.notes,
                     sentences=list(self.sentences), **extra)


class PublishedDraft(BaseModel):
    """An approved draft published as a statement participants vote on."""

    model_config = ConfigDict(extra="ignore")

    key: str
    kind: DraftKind
    statement_id: str
    text: str
    heading: str
    split: bool = False
    draft_id: int | None = None
    #: the revision round it was published in (participants vote on the current round's)
    round: int = 0
    citations: list[str] = Field(default_factory=list)
    #: the keys of other approved drafts with word for word the same text, put to the vote as this
    #: same ballot item (participants could not tell two items with one text apart)
    also: list[str] = Field(default_factory=list)

    @property
    def keys(self) -> list[str]:
        """Every draft key this ballot item stands for: its own, then those merged into it."""
        return [self.key, *self.also]


class FacilitationState(BaseModel):
    """Everything the graph knows about one run on one consultation (thread = consultation id)."""

    model_config = ConfigDict(extra="ignore")

    consultation_id: int
    question: str = ""
    #: the run's settings as JSON (graphs.context.Context.to_json): a resume in another process
    #: rebuilds the same runtime context from it. Nodes read settings from the context, not from here.
    config: Annotated[dict[str, Any], _json] = Field(default_factory=dict)
    moderation: Annotated[dict[str, Any], _json] = Field(default_factory=dict)
    analysis: Annotated[AnalysisResult | None, _json] = None
    #: the current drafts, one per audience key
    drafts: Annotated[list[DraftRecord], _json] = Field(default_factory=list)
    #: audience keys the next draft pass should (re)draft; empty = all
    redraft: Annotated[list[str], _json] = Field(default_factory=list)
    #: per audience key: what to tell the drafter (revision feedback), in words
    feedback: Annotated[dict[str, list[str]], _json] = Field(default_factory=dict)
    #: per audience key: statements a revision must not draw on again
    exclude: Annotated[dict[str, list[str]], _json] = Field(default_factory=dict)
    #: per audience key: statements the next redraft should cite first (a JR violation's left-out
    #: statement, from the coverage audit)
    include: Annotated[dict[str, list[str]], _json] = Field(default_factory=dict)
    audit: Annotated[dict[str, Any], _json] = Field(default_factory=dict)
    audit_rounds: int = 0
    reviews: Annotated[list[dict[str, Any]], _json] = Field(default_factory=list)
    published: Annotated[list[PublishedDraft], _json] = Field(default_factory=list)
    tally: Annotated[dict[str, Any], _json] = Field(default_factory=dict)
    revise_rounds: int = 0
    #: the highest numeric statement id when this run started (None: a run from before this field):
    #: a draft statement above it that no published item names was stored by a publish step that
    #: was stopped before its checkpoint, and the step's retry uses it instead of storing it again
    last_statement_at_start: int | None = None
    report: Annotated[dict[str, Any], _json] = Field(default_factory=dict)
    log: Annotated[list[str], _append] = Field(default_factory=list)

    def published_now(self) -> list[PublishedDraft]:
        """The drafts published in the current revision round (what participants vote on now)."""
        return [p for p in self.published if p.round == self.revise_rounds]

    def draft(self, key: str) -> DraftRecord | None:
        return next((d for d in self.drafts if d.key == key), None)
