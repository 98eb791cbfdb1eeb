"""Which language a statement is written in: one detector for the whole project.

Uses Lingua (PyPI ``lingua-language-detector``, Apache-2.0): n-gram models of every language ship
inside the wheel, so nothing is downloaded; it is accurate on short texts, which statements are.
The detector knows the languages in :data:`LANGUAGES` (those of the multilingual embedding model
plus a few common ones); it is built once per process, on first use, in high-accuracy mode.
Each process remembers the language of the last :data:`CACHE_SIZE` texts it was asked about: the
intake, the topics and the guard ask about the same statements, and the live board re-runs the
analysis of a room every few seconds. The Store keeps every statement's language with it and hands
it over when statements are read (:func:`remember_languages`), so a later process (a ``run`` after
an ``import-polis``, an app server) asks Lingua only about texts that are not stored statements
(a draft's sentences).

Lingua's models (~340 MB) load lazily, on the first text a process sends it, and stay loaded: a
reload costs as much as detecting thousands of texts, and a process that detected a batch (an
analysis) usually asks again later (the guard reads a draft's sentences, the app a participant's new
statement). An import is the exception (:func:`import_batch`): when it sent Lingua more than
:data:`RELEASE_AFTER` new texts, the models are released as soon as its language work is done
(before its embedding), and their memory handed back, so an import does not carry them; the next
new text reloads them, with the same answers. An import that a graph run follows in the same
process (``deliberation run FOLDER``) keeps them: the run's guard reads the statements' sentences,
which are not remembered, and reloading cost more CPU than it saved memory (the run's peak held
them again).
:func:`detector_state` tells whether they are loaded, how often they were loaded and released and
how many texts were sent to Lingua.

Codes are ISO 639-1 ("en", "de", "zh", ...); ``""`` means undetermined (a text without letters,
"15", or one too short or too ambiguous to tell). :func:`main_language` picks a consultation's main language.

Example::

    from deliberation.text import detect_language, detect_languages
    detect_language("Der Bus sollte öfter fahren.")      # "de"
    detect_languages(["公車應該增加班次", "15"])            # ["zh", ""]
"""

from __future__ import annotations

import ctypes
import functools
import sys
import threading
from collections import Counter, OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

from deliberation.words import DEFAULT_LANGUAGE, script_counts
from deliberation.words import LANGUAGES as SPOKEN  # the languages the app speaks

__all__ = ["LANGUAGES", "UNDETERMINED", "DetectorState", "detect_language", "detect_languages",
           "detector_state", "import_batch", "language_of_most_words", "main_language", "language_name",
           "question_language", "question_languages_of", "release_models", "remember_languages", "room_language_of"]

#: Languages the detector chooses among (ISO 639-1): the sixteen of Universal Sentence Encoder
#: multilingual (Chinese counted once) plus Swedish, Danish and Czech. A longer list costs memory
#: and load time (every language is a model of its own) and makes short texts more ambiguous.
LANGUAGES: tuple[str, ...] = (
    "en", "de", "zh", "fr", "es", "it", "nl", "pt", "pl", "ru", "tr", "ar", "ja", "ko", "th",
    "sv", "da", "cs",
)
#: What is returned when the language cannot be told.
UNDETERMINED = ""
#: Lingua's minimum relative distance between the best and the second-best language: closer calls
#: are undetermined. 0 (Lingua's default) called "I prefer jazz to classical music." Italian and
#: "Quantum computers use qubits." German; 0.2 leaves these undetermined and still tells every
#: statement of tests/data/multilingual (en, de, zh, fr, es) correctly.
MIN_RELATIVE_DISTANCE = 0.2
#: For a choice made from one short text (a room's language from its question), the language Lingua
#: tells for the whole text must also be the language of more than this share of its words, as
#: Lingua tells the languages of a text's parts (``detect_multiple_languages_of``). The whole text's
#: language alone made "Should Kreuzberg have more Spielplätze?" (all 5 words English by parts) and
#: "Hauptstraße: bike lanes or parking?" (2 of 5 words German) German. Measured on the real Polis
#: statements of ../shared/corpora: of the 553 Austrian ones Lingua tells German, 551 keep German
#: (the 2 lost are half English: "There is no economy on a dead planet! Klimazerstörung schadet …");
#: every de/fr/es text of tests/data/multilingual keeps its language, and so do the Polis
#: conversations' topics with their descriptions (tests/test_room_language_choice.py).
MIN_WORD_SHARE = 0.5
#: English names, for notes and labels a reader can follow.
_NAMES = {
    "en": "English", "de": "German", "zh": "Chinese", "fr": "French", "es": "Spanish",
    "it": "Italian", "nl": "Dutch", "pt": "Portuguese", "pl": "Polish", "ru": "Russian",
    "tr": "Turkish", "ar": "Arabic", "ja": "Japanese", "ko": "Korean", "th": "Thai",
    "sv": "Swedish", "da": "Danish", "cs": "Czech",
    "zh-Hans": "Simplified Chinese",  # the app's Simplified room (deliberation.words.CONVERTED); "zh" its Traditional one
}


#: How many texts' languages a process remembers (text -> code), the oldest dropped first: asking
#: Lingua again costs far more than looking a text up.
CACHE_SIZE = 100_000
_cache: OrderedDict[str, str] = OrderedDict()
_cache_lock = threading.Lock()


def _remembered(texts: Sequence[str]) -> dict[str, str]:
    with _cache_lock:
        found = {t: _cache[t] for t in texts if t in _cache}
        for t in found:
            _cache.move_to_end(t)
    return found


def _remember(found: dict[str, str]) -> None:
    with _cache_lock:
        _cache.update(found)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)


def remember_languages(texts: Sequence[str], codes: Sequence[str | None]) -> None:
    """Take the languages of ``texts`` as known (``codes``, as :func:`detect_language` gave them
    earlier, e.g. in another process: the Store keeps every statement's), so asking about them
    later answers without Lingua. A ``None`` code (not known) is skipped."""
    _remember({t: c for t, c in zip(texts, codes) if c is not None})


def told_languages(texts: Sequence[str]) -> list[str]:
    """The languages already known of ``texts`` (:func:`remember_languages`: the store hands over every
    statement's when it reads them), "" for a text not told yet: Lingua is never asked (the report
    node names its statements' language at no cost)."""
    found = _remembered(list(texts))
    return [found.get(t, "") for t in texts]


@functools.lru_cache(maxsize=1)
def _detector():
    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in LANGUAGES]
    builder = LanguageDetectorBuilder.from_languages(*languages)
    return builder.with_minimum_relative_distance(MIN_RELATIVE_DISTANCE).build()


@dataclass(frozen=True)
class DetectorState:
    """Lingua's models in this process: ``loaded``: whether they are now; ``loads``: times they were
    (re)loaded; ``releases``: times they were released (:func:`release_models`); ``texts_detected``:
    texts sent to Lingua so far."""

    loaded: bool
    loads: int
    releases: int
    texts_detected: int


# Every use of Lingua and every release holds this lock: a release while another thread detects
# could otherwise drop models that detection still reads.
_lingua_lock = threading.Lock()
_state = {"loaded": False, "loads": 0, "releases": 0, "texts_detected": 0}


def _ask_lingua(texts: list[str], one: bool = False) -> list[str]:
    """Codes of ``texts`` from Lingua (``one``: a single text, else in parallel)."""
    with _lingua_lock:
        cold = not _state["loaded"]
        if cold:  # the models load lazily on this detection
            _state["loaded"] = True
            _state["loads"] += 1
        _state["texts_detected"] += len(texts)
        detector = _detector()
        # one text alone; and when cold, the first text alone, so that the models load on this
        # thread: Lingua's parallel workers loading them at once cost ~30% more CPU (bench_languages)
        alone = 1 if one or cold else 0
        codes = [_code(detector.detect_language_of(t)) for t in texts[:alone]]
        if len(texts) > alone:
            codes += [_code(lang) for lang in detector.detect_languages_in_parallel_of(texts[alone:])]
    return codes


def _trim_heap() -> None:
    """Hand freed heap memory back to the operating system (glibc's ``malloc_trim``): without
    it most of the models' memory stays with the process after they are dropped. Does nothing
    where glibc is absent."""
    if not sys.platform.startswith("linux"):
        return
    try:
        trim = ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # musl and other C libraries without it
        return
    trim(0)


def release_models() -> None:
    """Drop Lingua's language models and hand their memory back; the next new text reloads them
    (same answers). Remembered languages stay. Safe from any thread."""
    with _lingua_lock:
        if not _state["loaded"]:
            return
        _detector().unload_language_models()
        _trim_heap()
        _state["loaded"] = False
        _state["releases"] += 1


#: An import that sends more than this many new texts (not remembered yet) to Lingua is batch
#: work: its models are released when its language work is done (:func:`import_batch`). An import
#: of a few statements, or of statements detected before in the process, keeps them.
RELEASE_AFTER = 200


class ImportBatch:
    """An import's language work (:func:`import_batch`); :meth:`done` when it has detected all it
    needs, before its other memory-hungry work (embedding)."""

    def __init__(self, keep: bool = False) -> None:
        with _lingua_lock:
            self._start: int | None = None if keep else _state["texts_detected"]

    def done(self) -> None:
        """Release Lingua's models when this import sent it more than :data:`RELEASE_AFTER` new
        texts (once; later calls do nothing)."""
        if self._start is None:
            return
        with _lingua_lock:
            sent = _state["texts_detected"] - self._start
        self._start = None
        if sent > RELEASE_AFTER:
            release_models()


@contextmanager
def import_batch(keep: bool = False) -> Iterator[ImportBatch]:
    """Run an import in the block: when it sent Lingua more than :data:`RELEASE_AFTER` new texts,
    the models are released at :meth:`ImportBatch.done`, or at the block's end at the latest.
    ``keep``: never released (a graph run follows in the process: its guard reads sentences of the
    statements, which are not remembered, and would load them again)."""
    batch = ImportBatch(keep)
    try:
        yield batch
    finally:
        batch.done()


def detector_state() -> DetectorState:
    """Whether Lingua's models are loaded, how often they were loaded and released and how many
    texts it was asked about."""
    with _lingua_lock:
        return DetectorState(**_state)


def _code(language: object | None) -> str:
    return UNDETERMINED if language is None else language.iso_code_639_1.name.lower()


def detect_language(text: str) -> str:
    """ISO 639-1 code of the language ``text`` is written in, or ``""`` when it cannot be told."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")
    if not any(ch.isalpha() for ch in text):
        return UNDETERMINED
    found = _remembered([text])
    if not found:
        found = {text: _ask_lingua([text], one=True)[0]}
        _remember(found)
    return found[text]


def language_of_most_words(text: str) -> str:
    """:func:`detect_language` of ``text`` when that language is also the one of more than
    :data:`MIN_WORD_SHARE` of its words (Lingua, by the text's parts), else ``""``: a short text in
    one language that names a few things in another ("Should Kreuzberg have more Spielplätze?") is
    not taken for the other. For a choice made from one text, not for statements (asks Lingua every
    time; nothing remembered)."""
    code = detect_language(text)
    if not code:
        return UNDETERMINED
    with _lingua_lock:
        if not _state["loaded"]:
            _state["loaded"] = True
            _state["loads"] += 1
        _state["texts_detected"] += 1
        parts = _detector().detect_multiple_languages_of(text)
    words = sum(p.word_count for p in parts)
    mine = sum(p.word_count for p in parts if _code(p.language) == code)
    return code if words and mine / words > MIN_WORD_SHARE else UNDETERMINED


def room_language_of(question: str, description: str = "") -> str | None:
    """The room's language a new consultation starts with (the participant page, the board and the
    report: ``ROOM_LANGUAGE_SETTING``): the one its question (and description) is written in, when
    the app speaks it and it is the language of most of its words (:func:`language_of_most_words`:
    "Should Kreuzberg have more Spielplätze?" is an English room); None (English) otherwise. The one
    choice of the console's "Create a consultation" and of the command line's imports (a room made
    with ``import-statements --question "¿…?"`` stayed English; found running a Spanish room by hand)."""
    return question_languages(question, description)[0]


def unspoken_language_of(question: str, description: str = "") -> str | None:
    """The language a new consultation's question (and description) is written in when the app's pages
    do not speak it (Japanese: the room is English, :func:`room_language_of`), for the console to say so;
    None when the question is in a language the app speaks, or in none that can be told."""
    return question_languages(question, description)[1]


def question_languages(question: str, description: str = "") -> tuple[str | None, str | None]:
    """:func:`room_language_of` and :func:`unspoken_language_of` of one question, told with one detection
    (an import asks both)."""
    return question_languages_of(question_language(question, description))


def question_languages_of(lang: str) -> tuple[str | None, str | None]:
    """:func:`question_languages` of a question told to be in ``lang`` (:func:`question_language`)."""
    return (lang if lang in SPOKEN and lang != DEFAULT_LANGUAGE else None,
            lang if lang and lang not in SPOKEN else None)


def question_language(question: str, description: str = "") -> str:
    """The language a consultation's question (and description) is written in, as a tag ("en", "de",
    "zh-Hans": Chinese by its script, :func:`chinese_script`), when it is the language of most of its words
    (:func:`language_of_most_words`); "" when none can be told. Kept in the consultation's settings when it
    is made (``QUESTION_LANGUAGE_SETTING``): the report marks the question with it."""
    text = f"{question}\n{description}".strip()
    lang = language_of_most_words(text)
    return chinese_script(text) if lang == "zh" else lang


def chinese_script(text: str) -> str:
    """The app's Chinese a Chinese ``text`` is written in: "zh-Hans" when more of its characters are
    Simplified than Traditional ("公交车应该增加班次"), else "zh" (Traditional, as "公車應該增加班次"; a text
    whose characters are the same in both, too). Told by OpenCC's own tables (deliberation.words.script_counts:
    the characters that converting to the other script changes), not by a character list of ours."""
    counts = script_counts(text)
    return "zh-Hans" if counts["simplified"] > counts["traditional"] else "zh"


def detect_languages(texts: Sequence[str], fill_main: bool = False) -> list[str]:
    """:func:`detect_language` of every text, in order (faster than one by one). ``fill_main``:
    texts that cannot be told get the main language of the others (:func:`main_language`), if
    any was told: a short statement is most likely in the language of the consultation."""
    texts = list(texts)
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"text {i} is {type(text).__name__}, not str")
    todo = [t for t in dict.fromkeys(texts) if any(ch.isalpha() for ch in t)]
    found = _remembered(todo)
    missing = [t for t in todo if t not in found]
    if missing:
        new = dict(zip(missing, _ask_lingua(missing)))
        _remember(new)
        found.update(new)
    out = [found.get(t, UNDETERMINED) for t in texts]
    if fill_main and any(out):
        main = main_language(out)
        out = [code or main for code in out]
    return out


def main_language(languages: Sequence[str], default: str = "en") -> str:
    """The most frequent determined code in ``languages`` (ties: ``default`` if it is among the
    most frequent, else the code seen first); ``default`` when none is determined."""
    counts = Counter(code for code in languages if code)
    if not counts:
        return default
    top = max(counts.values())
    if counts.get(default) == top:
        return default
    return next(code for code in languages if code and counts[code] == top)


def language_name(code: str) -> str:
    """English name of an ISO 639-1 code ("de" -> "German"); "unknown" for ``""``, the code itself
    when it is not one of :data:`LANGUAGES`."""
    if not code:
        return "unknown"
    return _NAMES.get(code, code)
