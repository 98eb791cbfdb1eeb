"""Application services shared by the CLI, the graph and the UI.

They join the parts: intake moderation before storage, embeddings into the vector index inside
the import transaction, and the headless summary that ``make run`` prints.
"""

from __future__ import annotations

import errno
import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace as dc_replace
from pathlib import Path

import numpy as np
from sqlalchemy import select

from deliberation.config import Settings
from deliberation.embeddings import MODELS, Embedder, EmbeddingConfig
from deliberation.embeddings.choice import ModelChoice, ModelChoiceConfig, choose_model, is_auto
from deliberation.errors import InputError, NotFoundError, storage_error, storage_errors
from deliberation.heap import bulk_work
from deliberation.importers.base import ImportBundle
from deliberation.importers.polis import is_polis_export, read_polis_export
from deliberation.models import ModerationStatus, Statement
from deliberation.safety import moderate
from deliberation.storage import ImportReport, Store, VectorIndex
from deliberation.text.languages import import_batch, question_language, question_languages_of
from deliberation.wording import inflect, plural
from deliberation.words import QUESTION_LANGUAGE_SETTING, ROOM_LANGUAGE_SETTING, said
from deliberation.storage.chroma_server import VectorStoreBusy
from deliberation.storage.tables import ConsultationRow
from deliberation.storage.vectors import VectorStoreUnavailable

log = logging.getLogger(__name__)


def intake(statements: list[Statement]) -> list[Statement]:
    """Redact personal data and flag abusive or instruction-like statements for the moderator.

    Nothing is dropped: flagged statements get status ``needs_review`` with the reasons in words.
    Statements a moderator already rejected stay rejected (their text is redacted all the same).
    """
    results = moderate([s.text for s in statements])
    out: list[Statement] = []
    for st, res in zip(statements, results):
        update: dict = {"text": res.text}
        if res.flagged:
            reason = "; ".join(res.reasons)
            if st.moderation is ModerationStatus.REJECTED:
                update["moderation_reason"] = "; ".join(x for x in (st.moderation_reason, reason) if x)
            else:
                update["moderation"] = ModerationStatus.NEEDS_REVIEW
                update["moderation_reason"] = reason
        out.append(st.model_copy(update=update))
    return out


#: Key of a consultation's settings holding its embedding model (chosen by the "auto" rule).
MODEL_SETTING = "embedding_model"
#: Consultation setting: True when the moderator chose the model (the rule then leaves it alone).
MODEL_PIN_SETTING = "embedding_model_pinned"


def embedder_for(settings: Settings, model: str | None = None) -> Embedder:
    """The embedder of the model ``settings`` name, else of ``model`` (a consultation's choice:
    :func:`consultation_model`), else of the default model."""
    return Embedder(EmbeddingConfig.from_settings(settings, model))


def vector_index(settings: Settings, model: str | None = None) -> VectorIndex:
    """The vector collection of the same model :func:`embedder_for` picks."""
    return VectorIndex.from_settings(settings, model)


def fixed_model(settings: Settings) -> ModelChoice | None:
    """The model ``settings`` fix for every consultation (``--embedding-model``,
    ``DELIBERATION_EMBEDDING_MODEL``, ``--model-path``); None = chosen per consultation ("auto")."""
    if settings.model_path is not None:
        return ModelChoice(embedder_for(settings).model_name, f"the local model folder {settings.model_path}")
    if is_auto(settings.embedding_model):
        return None
    return ModelChoice(settings.embedding_model, "named in the settings (--embedding-model or "
                                                 "DELIBERATION_EMBEDDING_MODEL)")


def choose_for(settings: Settings, texts: Sequence[str], config: ModelChoiceConfig | None = None) -> ModelChoice:
    """The model for statements with these texts: the one the settings fix, else the "auto" rule's."""
    return fixed_model(settings) or choose_model(texts, config)


def consultation_model(settings: Settings, cid: int, statements: list[Statement] | None = None, *,
                       store: Store | None = None, config: ModelChoiceConfig | None = None) -> ModelChoice:
    """The embedding model of consultation ``cid``: the one the settings fix, else its stored
    choice (:data:`MODEL_SETTING` in its settings).

    With ``statements`` (the analysis passes the consultation's statements) the choice is made
    again from them, and stored when it changed: ``previous`` then names the model it replaces,
    whose collection keeps its vectors; callers embed what the new model's collection lacks. With
    none, the stored choice is used, and made from the stored statements when there is none yet."""
    fixed = fixed_model(settings)
    if fixed is not None:
        return fixed
    store = store or Store(settings)
    saved = store.get_consultation(cid).settings
    stored = saved.get(MODEL_SETTING)
    if saved.get(MODEL_PIN_SETTING) and stored in MODELS:
        return ModelChoice(stored, "chosen by the moderator for this consultation")
    if statements is None:
        if stored in MODELS:
            return ModelChoice(stored, "chosen for this consultation by its statements' languages")
        statements = [s for s in store.statements(cid) if not s.is_draft]
    choice = choose_model([s.text for s in statements], config)
    if choice.model != stored:
        store.update_settings(cid, {MODEL_SETTING: choice.model})
        if stored in MODELS:
            choice = dc_replace(choice, previous=stored)
    return choice


def pin_consultation_model(settings: Settings, cid: int, model: str | None, store: Store | None = None) -> None:
    """The moderator's choice of consultation ``cid``'s embedding model (the console's run form):
    a name of :data:`deliberation.embeddings.MODELS` is kept whatever the statements' languages;
    None or "auto" hands the choice back to the rule at the next analysis. The statements are
    embedded into the chosen model's collection on its first use."""
    store = store or Store(settings)
    if model is None or is_auto(model):
        store.update_settings(cid, {MODEL_PIN_SETTING: False})
        return
    if model not in MODELS:
        raise InputError(said("input.unknown_model", quoted=repr(model), names=", ".join(MODELS)))
    store.update_settings(cid, {MODEL_SETTING: model, MODEL_PIN_SETTING: True})


def import_bundle(settings: Settings, bundle: ImportBundle, *, embed: bool = True, question: str | None = None,
                  secret: str | None = None, consultation_id: int | None = None,
                  progress: bool = False, room_language: str | None = None,
                  keep_languages: bool = False) -> ImportReport:
    """Moderate, store and (optionally) embed a bundle: all of it or, on any error, none of it.

    A new consultation's room language is ``room_language``, else the one its question is written in
    (:func:`~deliberation.text.languages.room_language_of`, as the console's "Create a consultation"
    chooses), stored with it and said in the report's ``room_language``. ``keep_languages``: Lingua's
    models stay loaded after a large import (:func:`~deliberation.text.languages.import_batch`), for
    a process that runs the graph next.

    A full or read-only data directory raises :class:`~deliberation.errors.StorageError`. The
    vectors are written just before the database commit. On SQLite a killed import's consultation
    id is reused by the next import into a new consultation, which therefore removes the vectors
    the killed one left behind; on PostgreSQL the id is never reused, so such vectors stay under
    an id no consultation has and are never shown.
    """
    with storage_errors(settings.data_dir), bulk_work(), import_batch(keep_languages) as languages_told:
        store = Store(settings)
        if store.read_only:
            raise storage_error(OSError(errno.EROFS, "read-only file system"), settings.data_dir)
        opened: list[VectorIndex] = []
        unspoken, room = None, {}
        if consultation_id is None:
            # the question's language, told once: the room's (unless given), or one the pages do not speak (the
            # room is English, and the import says so); kept for the report, which marks the question with it
            told = question_language(question or bundle.question, bundle.description)
            told_room, unspoken = question_languages_of(told)
            room_language = room_language or told_room
            room = {**({ROOM_LANGUAGE_SETTING: room_language} if room_language else {}),
                    **({QUESTION_LANGUAGE_SETTING: told} if told else {})}

        def on_commit(cid: int, stored: list[Statement]) -> dict | None:
            # the model is chosen from every statement the consultation now holds, stored with them
            choice = choose_for(settings, [s.text for s in stored if not s.is_draft])
            languages_told.done()  # a large import's Lingua models go before the embedding
            if embed:
                embedder = embedder_for(settings, choice.model)
                index = vector_index(settings, choice.model)
                opened.append(index)
                _index_imported(index, embedder, cid, stored, fresh=consultation_id is None)
            return {**({} if fixed_model(settings) else {MODEL_SETTING: choice.model}), **room} or None

        try:
            report = store.import_bundle(bundle, consultation_id=consultation_id, question=question, secret=secret,
                                         intake=intake, on_commit=on_commit)
            return dc_replace(report, room_language=room.get(ROOM_LANGUAGE_SETTING), unspoken_language=unspoken)
        finally:
            for index in opened:
                index.close()


def _index_imported(index: VectorIndex, embedder: Embedder, cid: int, stored: list[Statement], fresh: bool) -> None:
    """Index an import's statements; on any failure remove what was written (the import rolls back)."""
    vectors = embedder.encode([s.text for s in stored])
    try:
        index.upsert(cid, stored, vectors, model_id=embedder.model_id)
        if fresh:  # a new consultation: anything else under its id is stale
            index.keep_only(cid, {s.external_id for s in stored})
    except Exception:
        try:
            index.delete(cid, [s.external_id for s in stored])
        except Exception:  # noqa: BLE001 - the first error is the one to report
            pass
        raise


def find_consultation_by_source(store: Store, source: str) -> int | None:
    with store.session() as s:
        return s.scalar(select(ConsultationRow.id).where(ConsultationRow.source == source)
                        .order_by(ConsultationRow.id.desc()))


def stored_consultation(store: Store, source: str):
    """The stored consultation a source names by id or join code; a source that is a path says
    what is wrong with it instead of "no consultation with id or code '/path/…'"."""
    try:
        return store.get_consultation(source)
    except NotFoundError:
        if Path(source).exists():
            raise InputError(said("input.neither_export_nor_stored"), source) from None
        if "/" in source or "\\" in source:
            raise InputError(said("input.no_such_path_nor_stored"), source) from None
        raise


#: A statement's moderation status as a moderator reads it in `deliberation summary`, for a stored
#: consultation (everything stored went through :func:`intake`) and for an export folder (the
#: export's own status, no intake check run). Shown in this order.
STATUS_WORDS = {"accepted": "accepted by a moderator",
                "unmoderated": "not reviewed by a moderator yet, shown to participants (passed the automatic "
                               "intake check)",
                "needs_review": "held for a moderator's review (flagged by the automatic intake check)",
                "rejected": "rejected by a moderator"}
EXPORT_STATUS_WORDS = {**STATUS_WORDS, "unmoderated": "not moderated in the export",
                       "needs_review": "held for a moderator's review"}


def moderation_line(statuses, words: dict[str, str] = STATUS_WORDS) -> str:
    """"1 accepted by a moderator; 2 not reviewed by a moderator yet, ..." for these statuses."""
    counts = Counter(statuses)
    return "; ".join(f"{counts[k]} {w}" for k, w in words.items() if counts[k])


def participants_line(counts: dict[str, int]) -> str:
    """"Participants: 5 (2 of them voted)": everyone who voted or wrote a statement (``registered``:
    Store.participant_count, the figure of the moderator console and the live board), and of them
    the voters (``participants``: who the analysis groups) when some did not vote."""
    everyone, voters = counts["registered"], counts["participants"]
    return f"Participants: {everyone}" + (f" ({voters} of them voted)" if voters != everyone else "")


def corpus_summary(settings: Settings, source: str) -> str:
    """Plain-text summary of a Polis export folder or a stored consultation."""
    path = Path(source)
    drafts, notes = [], []
    if is_polis_export(path):
        bundle = read_polis_export(path)
        statements, question, notes = bundle.statements, bundle.question, bundle.notes
        counts = bundle.summary()
    else:
        store = Store(settings)
        c = stored_consultation(store, source)
        question, counts = c.question, store.counts(c.id)
        # the drafts the graph published are stored as statements; counted apart, not as "unmoderated"
        drafts = [s for s in store.statements(c.id) if s.is_draft]
        statements = [s for s in store.statements(c.id) if not s.is_draft]
    mod = moderation_line((s.moderation.value for s in statements),
                          EXPORT_STATUS_WORDS if is_polis_export(path) else STATUS_WORDS)
    lines = [f"Question: {question}",
             f"Statements: {len(statements)}" + (f" ({mod})" if mod else "")
             + (f" and {len(drafts)} published draft{'s' if len(drafts) != 1 else ''}" if drafts else ""),
             participants_line(counts),
             f"Votes: {counts['votes']} current ({counts['vote_events']} vote events)"]
    return "\n".join(lines + [f"Note: {n}" for n in notes])


def demo(settings: Settings, corpus: Path, console) -> int:
    """Import the corpus once (re-used on later runs) and print its summary and moderation queue."""
    store = Store(settings)
    source = str(Path(corpus).resolve())
    cid = find_consultation_by_source(store, source)
    if cid is None:
        bundle = read_polis_export(corpus)
        bundle.source = source
        report = import_bundle(settings, bundle)
        cid = report.consultation_id
        console.print(f"Imported {corpus} as consultation {report.code} into {settings.data_dir}/ "
                      f"(moderator secret: {report.moderator_secret}).")
    else:
        console.print(f"Using {corpus}, already stored in {settings.data_dir}/ (id {cid}).")
    console.print(corpus_summary(settings, str(cid)))
    queue = [s for s in store.statements(cid) if s.moderation is ModerationStatus.NEEDS_REVIEW]
    console.print(f"\nModeration queue: {plural(len(queue), 'statement')} {inflect(len(queue), 'waits', 'wait')} for the moderator.")
    for s in queue:
        console.print(f"  #{s.external_id}: {s.moderation_reason}", highlight=False)
    console.print("\nAnalysis:")
    _, text = analyze_source(settings, str(cid))
    console.print(text, highlight=False)
    return cid



def ensure_consultation(settings: Settings, source: str, progress=None, secret: str | None = None,
                        imported: Callable[[ImportReport, list[str]], None] | None = None,
                        keep_languages: bool = False) -> int:
    """A stored consultation id from an id, a join code, or a Polis export folder (imported once);
    ``imported`` is told what a folder's import stored and its notes (its moderator secret too);
    ``keep_languages``: as :func:`import_bundle`'s."""
    path = Path(source)
    cid = find_stored(settings, source)
    if cid is not None:
        return cid
    if progress:
        progress(f"importing {path}")
    bundle = read_polis_export(path)
    bundle.source = str(path.resolve())
    report = import_bundle(settings, bundle, secret=secret, keep_languages=keep_languages)
    if imported:
        imported(report, bundle.notes)
    return report.consultation_id


def find_stored(settings: Settings, source: str) -> int | None:
    """The stored consultation an id, a join code or an imported Polis export folder names,
    importing nothing; None for a Polis export folder not imported yet."""
    path = Path(source)
    store = Store(settings)
    if not is_polis_export(path):
        return stored_consultation(store, source).id
    # imports before the source was stored resolved kept the path as it was typed
    for spelling in dict.fromkeys([str(path.resolve()), str(path.absolute()), str(path)]):
        cid = find_consultation_by_source(store, spelling)
        if cid is not None:
            return cid
    return None


def set_moderation(settings: Settings, cid: int, statement: str, status, reason: str = "") -> None:
    """Moderator decision: stored (a statement kept without its text is never restored:
    :meth:`Store.set_moderation`), and mirrored into the vector index's metadata."""
    status = ModerationStatus(status)
    with storage_errors(settings.data_dir):
        store = Store(settings)
        store.set_moderation(cid, statement, status, reason)
        with vector_index(settings, consultation_model(settings, cid, store=store).model) as index:
            index.set_moderation(cid, statement, status.value)


def indexed_vectors(index: VectorIndex, embedder, cid: int, statements: list[Statement],
                    note: Callable[[str], None] | None = None, refresh: bool = False) -> tuple[dict, int]:
    """Vectors of these statements from the index, embedding and indexing the missing ones;
    returns ``({statement id: vector}, how many were embedded now)``. ``refresh`` (after the
    consultation's model switched): every statement is embedded and written again, since what the
    collection holds from an earlier time with this model (moderation states, vectors a killed
    import left under a reused id) may be out of date; the embedding cache makes it cheap.

    When Chroma fails on this consultation's records (for instance "Error finding id": ids in its
    SQLite whose HNSW vectors are gone, the state two processes on one embedded folder leave
    behind), the consultation's vectors are rebuilt from the statements (upserted again, which
    restores them; the embedding cache makes it cheap) and ``note`` says so in words, instead of
    failing every run until the folder is deleted. An unreachable Chroma server is not repaired.
    """
    ids = [s.external_id for s in statements]
    try:
        have = {} if refresh else index.vectors(cid, ids)
    except (VectorStoreUnavailable, VectorStoreBusy):
        raise
    except Exception as e:  # noqa: BLE001 - any failure of the index on these records: rebuild them
        detail = " ".join(str(e).split())[:200] or type(e).__name__
        log.warning("vector index failed on consultation %s (%s); rebuilding its vectors", cid, detail)
        vecs = embedder.encode([s.text for s in statements]) if statements else []
        if statements:
            index.upsert(cid, statements, vecs, model_id=embedder.model_id)
        if note:
            note(said("log.index_rebuilt", n=len(statements), error=detail))
        return {s.external_id: v for s, v in zip(statements, vecs)}, len(statements)
    missing = [s for s in statements if s.external_id not in have]
    if missing:
        vecs = embedder.encode([s.text for s in missing])
        index.upsert(cid, missing, vecs, model_id=embedder.model_id)
        have.update({s.external_id: v for s, v in zip(missing, vecs)})
    return have, len(missing)


def similar_statements(store: Store, index: VectorIndex, embedder: Embedder, cid: int, text: str,
                       limit: int = 3) -> list[tuple[str, str, float]]:
    """The public statements of a consultation closest to ``text`` (what the participant page shows
    before a statement is added): ``(id, text, cosine)``, at most ``limit``, only those at or above
    the model's ``Calibration.similar_min``. ``embedder`` and ``index`` must be the consultation's
    model's (:func:`consultation_model`); with the multilingual model a translation is found."""
    hits = index.similar(cid, embedder.encode([text])[0], n=4 * limit)
    shown = {s.external_id: s for s in store.statements(cid) if s.is_public}
    least = embedder.calibration.similar_min
    return [(sid, shown[sid].text, sim) for sid, _doc, sim in hits if sid in shown and sim >= least][:limit]


def statement_vectors(settings: Settings, cid: int, statements: list[Statement],
                      note: Callable[[str], None] | None = None) -> tuple[np.ndarray, ModelChoice]:
    """Vectors of these statements from Chroma, and the model that made them: the consultation's
    model chosen again from ``statements`` (:func:`consultation_model`); embeds (and indexes) the
    ones that model's collection lacks, all of them after a switch. ``note`` hears, in words, a
    switch of model and a rebuilt index (default: the log)."""
    note = note or (lambda m: log.warning("%s", m))
    with storage_errors(settings.data_dir):  # a full / read-only data directory: one clear error
        choice = consultation_model(settings, cid, statements)
        if choice.switched:
            note(f"embedding model: {choice}")
        with vector_index(settings, choice.model) as index:
            vectors, _ = ordered_vectors(index, embedder_for(settings, choice.model), cid, statements, choice,
                                         note=note)
    return vectors, choice


def ordered_vectors(index: VectorIndex, embedder: Embedder, cid: int, statements: list[Statement],
                    choice: ModelChoice, note: Callable[[str], None] | None = None) -> tuple[np.ndarray, int]:
    """The vectors of ``statements`` in their order (one row each) from the collection of the model
    ``choice`` names, embedding what it lacks (:func:`indexed_vectors`; all of them when the
    choice has just switched), and how many were embedded now."""
    have, n_new = indexed_vectors(index, embedder, cid, statements, note=note, refresh=choice.switched)
    if not statements:
        return np.zeros((0, embedder.dim), dtype=np.float32), n_new
    return np.stack([have[s.external_id] for s in statements]), n_new


def analyze_source(settings: Settings, source: str, *, topics: bool = True, mode: str = "auto", seed: int = 0,
                   config=None, progress=None):
    """Analyse a Polis export folder (nothing stored) or a stored consultation. Returns (result, summary).

    ``config``: an ``AnalysisConfig`` (default: every default); ``seed`` and a ``mode`` other than
    "auto" are set on it, and the topics' thresholds follow the embedding model, which is chosen
    from the statements (a folder's, or a consultation's again: :func:`statement_vectors`)."""
    # lazy: the analysis pipeline adds ~0.4 s CPU to every CLI command, which most do not need
    from deliberation.analysis.pipeline import AnalysisConfig, analyze, summary_text

    path = Path(source)
    notes: list[str] = []
    vectors = choice = None
    room_language = ""
    if is_polis_export(path):
        bundle = read_polis_export(path)
        statements = intake(bundle.statements)  # redact before anything is embedded or printed
        matrix, question = bundle.vote_matrix(), bundle.question
        if topics and statements:
            choice = choose_for(settings, [s.text for s in statements])
            if progress:
                progress(f"embedding {len(statements)} statements with {choice.model}")
            vectors = embedder_for(settings, choice.model).encode([s.text for s in statements])
    else:
        store = Store(settings)
        c = stored_consultation(store, source)
        statements = [s for s in store.statements(c.id) if not s.is_draft]
        matrix, question = store.vote_matrix(c.id), c.question
        room_language = (c.settings or {}).get(ROOM_LANGUAGE_SETTING) or ""
        if topics:
            vectors, choice = statement_vectors(settings, c.id, statements, note=notes.append)
    config = config or AnalysisConfig()
    config = dc_replace(config, seed=seed)
    if choice is not None:  # near-duplicate thresholds follow the model that made the vectors
        config = dc_replace(config, topics=dc_replace(config.topics, embedding_model=choice.model))
    if mode != "auto":
        # validated as a setting is: an unknown mode is refused (a pydantic model, GroupingConfig)
        config = dc_replace(config, grouping=config.grouping.model_validate({**dict(config.grouping), "mode": mode}))
    result = analyze(matrix, statements, vectors, question=question, config=config, progress=progress,
                     embedding=str(choice) if choice is not None else None, room_language=room_language)
    if notes:
        result = result.model_copy(update={"notes": [*notes, *result.notes]})
    return result, summary_text(result, {s.external_id: s.text for s in statements})


def pseudonymise_analysis(result, alias: dict[str, str]):
    """A copy of an analysis whose participant ids are replaced by their export pseudonyms
    (:meth:`Store.pseudonyms`), for analyses that leave the machine (``analyze --json``)."""
    return result.model_copy(update={
        "groups": {alias[p]: g for p, g in result.groups.items()},
        "subgroups": {k: {alias[p]: g for p, g in v.items()} for k, v in result.subgroups.items()},
        "projection": {alias[p]: xy for p, xy in result.projection.items()},
    })
