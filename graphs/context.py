"""The facilitation graph's runtime context (LangGraph ``context_schema``): what a run is given.

:class:`Context` holds every setting of a run, one typed config per step (drafting, the
facilitation rules, the analysis with its grouping / statistics / topics, the faithfulness
guard, the coverage audit, the tally), and the services at the graph's edges (store, vector
indexes and embedders per model, drafter or chat model) in :class:`Services`. Nodes read
``runtime.context``; nothing of it is checkpointed except the settings' JSON
(:meth:`Context.to_json`, kept in the state), from which a resume in another process
rebuilds the same context.

Settings are set by name (``deliberation.tuning``): ``"grounding.min_relevance_overlap"``,
``"stats.min_votes_room_share"`` (short for ``analysis.stats.…``), or a bare field name that
belongs to one section only (``"seed"``, ``"consensus_slate_size"``, ``"drafter"``).
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import TypeAdapter, ValidationError
from pydantic_core import core_schema, to_jsonable_python

from deliberation.analysis.pipeline import AnalysisConfig
from deliberation.config import Settings
from deliberation.coverage import CoverageConfig
from deliberation.drafting.extractive import ExtractiveDrafter
from deliberation.drafting.llm import LLMDrafter
from deliberation.errors import InputError
from deliberation.facilitation import FacilitationConfig
from deliberation.grounding import GroundingConfig, LLMJudge
from deliberation.embeddings.choice import ModelChoice
from deliberation.services import consultation_model, embedder_for, vector_index
from deliberation.storage import Store, VectorIndex
from deliberation.tally import TallyConfig
from deliberation.tuning import describe, field_types, override, refused_settings
from deliberation.words import either, said


@dataclass(frozen=True)
class DraftingConfig:
    """Which drafter writes the drafts."""

    #: "extractive" (default, offline: quotes participants' statements) or "llm"
    drafter: Literal["extractive", "llm"] = "extractive"
    #: LLM: "provider:model" for init_chat_model, or a model name served at ``base_url``
    model: str | None = None
    #: LLM: an OpenAI-compatible server (llama.cpp, Ollama, vLLM)
    base_url: str | None = None
    #: LLM: the drafting model also gives the faithfulness guard a second opinion on every sentence
    #: the rules accept (entailed / contradicted / not stated); a sentence is kept only when both
    #: accept it. False: the rules decide alone (as they always do for the extractive drafter)
    second_opinion: bool = True


class Services:
    """The edges of the graph: storage, vectors, embeddings, drafters. Each is built on first
    use (per process), or passed in (tests pass their own store or chat model). Vectors and
    embeddings are per model: a consultation's model is :meth:`consultation_model`'s."""

    def __init__(self, settings: Settings | None = None, *, store: Any = None, chat_model: Any = None):
        self.settings = settings or Settings()
        self._store = store
        self._indexes: dict[str | None, VectorIndex] = {}
        self._embedders: dict[str | None, Any] = {}
        #: a chat model object for the LLM drafter (instead of one named by DraftingConfig.model)
        self.chat_model = chat_model
        self._drafters: dict[DraftingConfig, Any] = {}
        self._judges: dict[DraftingConfig, LLMJudge] = {}

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store(self.settings)
        return self._store

    def consultation_model(self, cid: int, statements: list | None = None) -> ModelChoice:
        """The consultation's embedding model (:func:`deliberation.services.consultation_model`):
        with ``statements``, chosen again from them (and stored when it changed)."""
        return consultation_model(self.settings, cid, statements, store=self.store)

    def index_for(self, model: str | None = None) -> VectorIndex:
        """The vector collection of ``model`` (a model the settings name wins)."""
        if model not in self._indexes:
            self._indexes[model] = vector_index(self.settings, model)
        return self._indexes[model]

    def embedder_for(self, model: str | None = None):
        """The embedder of ``model`` (a model the settings name wins)."""
        if model not in self._embedders:
            self._embedders[model] = embedder_for(self.settings, model)
        return self._embedders[model]

    def consultation_embedder(self, cid: int):
        """The embedder of the consultation's model (the grounding guard's similarity evidence)."""
        return self.embedder_for(self.consultation_model(cid).model)

    @classmethod
    def __get_pydantic_core_schema__(cls, source, handler):
        # services are objects, not settings: the context's JSON schema (LangGraph Studio) leaves them open
        return core_schema.any_schema()

    def drafter(self, config: DraftingConfig):
        if config not in self._drafters:
            if config.drafter == "extractive":
                self._drafters[config] = ExtractiveDrafter()
            elif config.drafter == "llm":
                model = self.chat_model if self.chat_model is not None else (config.model or "default")
                try:
                    self._drafters[config] = LLMDrafter(model, base_url=config.base_url)
                except Exception as e:  # noqa: BLE001 - the model as configured cannot be made: say why
                    # (init_chat_model: no provider known for the name, its package missing, no API key)
                    named = "input.llm_model_refused_name" if "infer model provider" in str(e) else "input.llm_model_refused"
                    raise InputError(said(named, value=repr(model),
                                          error=(str(e).strip() or type(e).__name__).splitlines()[0])) from None
            else:
                raise InputError(said("input.unknown_drafter", value=repr(config.drafter)))
        return self._drafters[config]

    def judge(self, config: DraftingConfig) -> LLMJudge | None:
        """The guard's second opinion: the LLM drafter's own chat model, asked per sentence; None
        for the extractive drafter or with ``second_opinion`` off (the rules decide alone)."""
        if config.drafter != "llm" or not config.second_opinion:
            return None
        if config not in self._judges:
            self._judges[config] = LLMJudge(self.drafter(config).model)
        return self._judges[config]


#: Settings a run fills in itself whatever it was given: the analyse step sets the topics' embedding
#: model to the model that made the consultation's vectors (graphs/nodes.py). Not the user's: a new
#: run started from the last one's settings does not copy them (it would pin them).
FILLED_BY_THE_RUN = frozenset({"analysis.topics.embedding_model"})

#: short names of the analysis's own sections: "stats.x" is "analysis.stats.x"
_ANALYSIS_PARTS = ("grouping", "stats", "topics")


@dataclass(frozen=True, kw_only=True)
class Context:
    """Every setting of one run and the services it uses; given to every node as ``runtime.context``."""

    drafting: DraftingConfig = field(default_factory=DraftingConfig)
    facilitation: FacilitationConfig = field(default_factory=FacilitationConfig)
    analysis: AnalysisConfig = field(default_factory=AnalysisConfig)
    grounding: GroundingConfig = field(default_factory=GroundingConfig)
    coverage: CoverageConfig = field(default_factory=CoverageConfig)
    tally: TallyConfig = field(default_factory=TallyConfig)
    services: Services = field(default_factory=Services, compare=False, repr=False)

    def __post_init__(self) -> None:
        # a context given as JSON (LangGraph Studio, a stored run) becomes typed here
        for name, tp in _section_types().items():
            value = getattr(self, name)
            if isinstance(value, Mapping):
                try:
                    object.__setattr__(self, name, TypeAdapter(tp).validate_python(dict(value)))
                except ValidationError as e:  # e.g. a stored run started before a bound existed
                    raise InputError(said("input.run_settings_invalid", error=refused_settings(e, f"{name}."))) from None

    @classmethod
    def from_options(cls, options: Mapping[str, Any] | None = None, services: Services | None = None,
                     base: "Context | None" = None) -> "Context":
        """A context from named settings: ``{"drafter": "llm", "stats.min_votes_room_share": 0.3,
        "grounding": {"min_relevance_overlap": 0.5}}`` (see the module docstring); on top of
        ``base`` (default: every default). Unknown names and wrong values raise InputError."""
        ctx = base or cls()
        by_section = _by_section(_flatten(options or {}))
        changes = {name: override(getattr(ctx, name), values, where=f"{name}.")
                   for name, values in by_section.items()}
        return dataclasses.replace(ctx, **changes, services=services or ctx.services)

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None, services: Services | None = None) -> "Context":
        """The context a run was started with, from :meth:`to_json` (kept in the graph state)."""
        sections = {k: v for k, v in (data or {}).items() if k in _section_types()}
        return cls(**sections, services=services or Services())

    def to_json(self) -> dict[str, Any]:
        """Every setting as JSON (no services)."""
        return {name: to_jsonable_python(getattr(self, name)) for name in _section_types()}

    def settings(self) -> dict[str, Any]:
        """Every setting by dotted name with its value."""
        return {k: v for name in _section_types() for k, v in describe(getattr(self, name), f"{name}.").items()}

    def given_settings(self) -> dict[str, Any]:
        """The settings by dotted name this context was given apart from the defaults (`run --set
        NAME=VALUE` and the run's own options in a terminal, the console's form), those the run fills
        in itself (:data:`FILLED_BY_THE_RUN`) left out: what a new run started from this one keeps."""
        defaults = context_of(None).settings()
        return {k: v for k, v in self.settings().items() if k not in FILLED_BY_THE_RUN and v != defaults.get(k)}


_default_context: Context | None = None


def context_of(runtime: Any) -> Context:
    """The run's context (``runtime.context``); every default when none was given (LangGraph
    Studio, or a caller without one)."""
    global _default_context
    if runtime is not None and getattr(runtime, "context", None) is not None:
        return runtime.context
    if _default_context is None:
        _default_context = Context()
    return _default_context


def _section_types() -> dict[str, Any]:
    hints = typing.get_type_hints(Context)
    return {f.name: hints[f.name] for f in dataclasses.fields(Context) if f.name != "services"}


def _flatten(options: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested dicts of settings -> dotted names (``{"grounding": {"x": 1}}`` -> ``{"grounding.x": 1}``)."""
    out: dict[str, Any] = {}
    for key, value in options.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(_flatten(value, f"{name}."))
        else:
            out[name] = value
    return out


def _owners() -> dict[str, list[str]]:
    """Bare field name -> the dotted paths that end in it (a bare name is allowed when unique)."""
    out: dict[str, list[str]] = {}
    for path in Context().settings():
        out.setdefault(path.rsplit(".", 1)[-1], []).append(path)
    return out


def _by_section(flat: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Dotted (or bare, or analysis-part) names -> {section: {rest of the name: value}}."""
    sections = _section_types()
    owners: dict[str, list[str]] | None = None
    out: dict[str, dict[str, Any]] = {}
    for name, value in flat.items():
        head = name.split(".", 1)[0]
        if head in _ANALYSIS_PARTS:
            name = f"analysis.{name}"
        elif head not in sections:
            owners = owners if owners is not None else _owners()
            paths = owners.get(name, [])
            if len(paths) != 1:
                raise InputError(said("input.setting_unknown_name", quoted=repr(name)) if not paths else
                                 said("input.setting_ambiguous", quoted=repr(name), setting=paths[0],
                                      alternatives=either(paths[1:])))
            name = paths[0]
        section, _, rest = name.partition(".")
        if not rest:
            example = f"{section}.{next(iter(field_types(getattr(Context(), section))))}"
            raise InputError(said("input.setting_not_field", quoted=repr(name), setting=example))
        out.setdefault(section, {})[rest] = value
    return out
