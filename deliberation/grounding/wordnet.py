"""WordNet, the guard's lexical resource: synonyms, hypernyms, antonyms and the direction of
change verbs (raise / lower, increase / cut, push up / bring down).

The data is Princeton WordNet 3.0 from Debian's ``wordnet-base`` package (``/usr/share/wordnet``,
WordNet licence), read directly by :mod:`.wordnet_reader` (the answers of nltk's
``WordNetCorpusReader``, without importing nltk); nothing is downloaded. nltk's reader, the
baseline the tests compare with, needs the small ``lexnames`` table Debian leaves out, so it ships
here (``data/wordnet_lexnames``, the table of the lexnames(5WN) manual page).
``DELIBERATION_WORDNET_DIR`` points elsewhere.

When WordNet is missing, :func:`wordnet` returns None, :func:`status` says so in words and the guard
runs on its own word lists alone (fewer synonyms, no hypernyms, fewer antonyms and change verbs).
WordNet is English: German sentences go through the per-language word lists only.
"""

from __future__ import annotations

import os
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import wordnet_reader

#: how many answers each remembered lexical look-up of the guard keeps (a word's WordNet or
#: OpenThesaurus relations): a consultation's vocabulary, a few thousand words, fits many times over
LOOKUP_CACHE_SIZE = 20_000

#: where Debian's wordnet-base puts the database
DEFAULT_DIR = "/usr/share/wordnet"
_LEXNAMES = Path(__file__).resolve().parent / "data" / "wordnet_lexnames"
#: how many hypernym levels above a word still count as "the same thing, said more generally"
HYPERNYM_DEPTH = 3
#: synsets whose hyponyms (troponyms) are change verbs with a direction
_UP = ("increase.v.01", "increase.v.02", "raise.v.02", "boost.v.04", "intensify.v.02", "expand.v.01",
       "accelerate.v.01", "lengthen.v.01", "improve.v.01", "better.v.02", "strengthen.v.01", "promote.v.01",
       "rise.v.01", "rise.v.02", "ascend.v.01")
_DOWN = ("decrease.v.01", "decrease.v.02", "reduce.v.01", "lower.v.01", "cut.v.11", "shorten.v.01",
         "decelerate.v.01", "slow.v.01", "weaken.v.01", "worsen.v.01", "deteriorate.v.01", "contract.v.04",
         "hurt.v.05", "injure.v.01", "damage.v.01", "abate.v.01", "moderate.v.01", "relieve.v.01",
         "descend.v.01", "decline.v.04", "sink.v.01")


def wordnet_dir() -> Path:
    return Path(os.environ.get("DELIBERATION_WORDNET_DIR", DEFAULT_DIR))


@lru_cache(maxsize=1)
def wordnet() -> Any | None:
    """The WordNet reader, or None when the database is missing (see :func:`status`)."""

    return open_reader(wordnet_dir())


def open_reader(root: Path, lazy_index: bool = True) -> Any | None:
    """A reader of the WordNet database in ``root`` (None when it is missing). ``lazy_index``: our
    own reader (:mod:`.wordnet_reader`: WordNet's files read directly, the lemma index, the adjective
    satellites and the sense counts per lemma on first use, :mod:`.wordnet_index`; nltk's answers);
    False starts nltk's ``WordNetCorpusReader`` as it is, which parses all of them at start-up (the
    baseline of bench_grounding and of the tests; None when nltk is missing)."""

    if not (root / "data.noun").is_file():
        return None
    if lazy_index:
        return wordnet_reader.Reader(root)
    try:  # lazy and optional: nltk takes ~1.3 s to import
        import nltk
        from nltk.corpus.reader.wordnet import WordNetCorpusReader
    except ImportError:
        return None

    class _Reader(WordNetCorpusReader):
        def open(self, fileid: str):  # type: ignore[override]
            if fileid == "lexnames" and not (root / "lexnames").is_file():
                return _LEXNAMES.open(encoding="utf-8")
            return super().open(fileid)

        def map_wn(self, version: str = "wordnet"):  # type: ignore[override]
            return None  # no mapping to another WordNet version (that would need nltk's own data)

    if str(root) not in nltk.data.path:
        nltk.data.path.append(str(root))  # nltk only reads folders on its data path
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "multilingual functions are not available": not used
        return _Reader(str(root), None)


def status() -> str:
    """One line for the user: which lexical resource the guard uses, or what is missing."""

    if wordnet() is not None:
        return f"WordNet 3.0 from {wordnet_dir()}"
    return (f"WordNet not available: {wordnet_dir()} has no WordNet database (Debian: apt-get install "
            "wordnet-base); the guard runs on its own word lists only")


@lru_cache(maxsize=LOOKUP_CACHE_SIZE)
def _synsets(word: str, pos: str | None = None) -> tuple[Any, ...]:
    wn = wordnet()
    if wn is None or not word.isascii():
        return ()
    return tuple(wn.synsets(word.lower().replace(" ", "_"), pos))


def is_known(word: str, pos: str | None = None) -> bool:
    return bool(_synsets(word, pos))


@lru_cache(maxsize=LOOKUP_CACHE_SIZE)
def usual_pos(word: str) -> str:
    """The usual part of speech of ``word`` ("n", "v", "a", "r"; "" unknown): the one whose senses
    are tagged most often in WordNet's sense-tagged corpus (``cntlist.rev``: "trees" a noun,
    "stop" and "put" verbs, "longer" an adjective), else that of its first sense."""

    senses = _synsets(word)
    if not senses:
        return ""
    forms = lemmas(word)
    counts: dict[str, int] = {}
    for syn in senses:
        pos = "a" if syn.pos() == "s" else syn.pos()
        counts[pos] = counts.get(pos, 0) + sum(lem.count() for lem in syn.lemmas() if lem.name().lower() in forms)
    best = max(counts, key=lambda p: counts[p])
    return best if counts[best] else ("a" if senses[0].pos() == "s" else senses[0].pos())


def is_noun(word: str) -> bool:
    """Is ``word`` usually a noun (:func:`usual_pos`)?"""

    return usual_pos(word) == "n"


#: how many of a word's senses (WordNet lists the most usual first) count for its part of speech
#: and its antonyms
USUAL_SENSES = 2


@lru_cache(maxsize=LOOKUP_CACHE_SIZE)
def noun_domain(word: str) -> str:
    """The lexicographer file of the first noun sense of ``word`` ("morning" -> "noun.time",
    "area" -> "noun.location"; "" when WordNet has no noun sense of it)."""

    senses = _synsets(word, "n")
    return senses[0].lexname() if senses else ""


@lru_cache(maxsize=LOOKUP_CACHE_SIZE)
def adjective_heads(word: str) -> frozenset[str]:
    """The head adjective synsets (names) of the first adjective sense of ``word``: the sense itself, or for a
    satellite the head it is similar to ("genuine" -> "genuine.a.01", "fictitious" -> "unreal.a.01")."""

    senses = _synsets(word, "a")  # satellites ("s") too
    if not senses:
        return frozenset()
    heads = senses[0].similar_tos() if senses[0].pos() == "s" else [senses[0]]
    return frozenset(h.name() for h in heads)


def is_adjective_or_verb(word: str) -> bool:
    """Is one of the usual WordNet senses of ``word`` an adjective, adverb or verb?"""

    return any(s.pos() in ("a", "s", "r", "v") for s in _synsets(word)[:USUAL_SENSES])


def same_meaning(a: str, b: str) -> bool:
    """Do ``a`` and ``b`` (words or names of several words) name one thing in one of their senses
    ("KY" and "Kentucky", "NY" and "New York"; not "KY" and "Kennedy")?"""

    return bool(set(_synsets(a)) & set(_synsets(b)))


def is_name(word: str) -> bool:
    """Does WordNet know ``word`` as the name of a particular thing, a place or person ("Colorado",
    "Kennedy"; not "fountain"): is one of its senses an instance of something?"""

    return any(s.instance_hypernyms() for s in _synsets(word))


def _up(syn: Any) -> list[Any]:
    """What sense ``syn`` is a kind (hypernyms) or an instance (instance hypernyms) of."""

    return syn.hypernyms() + syn.instance_hypernyms()


@lru_cache(maxsize=LOOKUP_CACHE_SIZE)
def descends_from(word: str, kinds: frozenset[str], senses: int, pos: str = "n") -> bool:
    """Is one of the first ``senses`` senses of ``word`` as ``pos`` (WordNet lists the most usual
    first), or what it is a kind or an instance of at any level, one of the synsets named ``kinds``
    ("yard" -> "enclosure.n.01")?"""

    frontier = list(_synsets(word, pos)[:senses])
    seen: set[str] = set()
    while frontier:
        syn = frontier.pop()
        if syn.name() in kinds:
            return True
        if syn.name() not in seen:
            seen.add(syn.name())
            frontier.extend(_up(syn))
    return False


@lru_cache(maxsize=LOOKUP_CACHE_SIZE)
def lemmas(word: str) -> frozenset[str]:
    """Base forms of ``word`` ("drove" -> "drive", "benches" -> "bench"), the word itself included."""

    wn = wordnet()
    out = {word.lower()}
    if wn is None or not word.isascii():
        return frozenset(out)
    for pos in ("n", "v", "a", "r"):  # a compound by its words ("police forces" -> "police force")
        out.update(x.replace("_", " ") for x in _analyses(wn, word.replace(" ", "_"), pos))
    return frozenset(out)


def _analyses(wn: Any, word: str, pos: str) -> list[str]:
    """Every base form of ``word`` as part of speech ``pos``: "roads" is "roads" (a roadstead)
    and "road", where nltk's ``morphy`` gives the first alone."""

    try:
        return list(wn._morphy(word.lower(), pos))
    except AttributeError:  # another nltk: its public, first-only answer
        base = wn.morphy(word.lower(), pos)
        return [base] if base else []


@lru_cache(maxsize=LOOKUP_CACHE_SIZE)
def related(word: str) -> frozenset[str]:
    """Words that say the same as ``word`` or say it more generally: its synonyms, its hypernyms
    (up to :data:`HYPERNYM_DEPTH` levels) and derivationally related forms ("closure" - "close")."""

    out: set[str] = set(lemmas(word))
    for syn in _synsets(word):
        frontier = [syn]
        for _ in range(HYPERNYM_DEPTH + 1):
            nxt = []
            for s in frontier:
                for lem in s.lemmas():
                    out.add(lem.name().lower())
                    out.update(d.name().lower() for d in lem.derivationally_related_forms())
                nxt.extend(_up(s))
            frontier = nxt
    return frozenset(w.replace("_", " ") for w in out)


def supports(source_word: str, draft_word: str) -> bool:
    """Does ``source_word`` support ``draft_word``: the same lemma, a synonym, or ``draft_word``
    naming it more generally (a hypernym)?"""

    d = lemmas(draft_word)
    return bool(d & related(source_word)) or bool(lemmas(source_word) & d)


#: how many of a word's senses (the most usual first) count when telling whether another word says
#: the same, and how many hypernym levels above them
SAYS_SENSES, SAYS_DEPTH = 3, 2


@lru_cache(maxsize=LOOKUP_CACHE_SIZE)
def _says_forms(word: str) -> frozenset[tuple[str, str]]:
    """(lemma, part of speech) of what ``word`` can also be called: the synonyms of any of its
    senses and the words derived from them, and the hypernyms of its :data:`SAYS_SENSES` usual
    senses up to :data:`SAYS_DEPTH` levels."""

    out: set[tuple[str, str]] = set()
    senses = _synsets(word)
    for n, syn in enumerate(senses):
        frontier = [syn]
        for level in range(SAYS_DEPTH + 1 if n < SAYS_SENSES else 1):
            for s in frontier:
                pos = "a" if s.pos() == "s" else s.pos()
                for lem in s.lemmas():
                    out.add((lem.name().lower(), pos))
                    if level == 0:
                        out.update((d.name().lower(), "a" if d.synset().pos() == "s" else d.synset().pos())
                                   for d in lem.derivationally_related_forms())
            frontier = [h for s in frontier for h in _up(s)]
    return frozenset(out)


@lru_cache(maxsize=LOOKUP_CACHE_SIZE)
def _base_forms(word: str) -> frozenset[tuple[str, str]]:
    """(base form, part of speech) of ``word`` for each part of speech of its senses."""

    wn = wordnet()
    if wn is None or not word.isascii():
        return frozenset()
    out = set()
    for pos in {"a" if s.pos() == "s" else s.pos() for s in _synsets(word)}:
        out.update((base, pos) for base in _analyses(wn, word, pos))
    return frozenset(out)


def says(source_word: str, draft_word: str) -> bool:
    """Does ``source_word`` say ``draft_word``: the same lemma, a synonym or derived form of one of
    its usual senses, or ``draft_word`` naming it more generally (a near hypernym), the part of
    speech kept? Stricter than :func:`supports` (all senses, any part of speech: "Green" would
    support "parking", "Street" "bees")."""

    d = _base_forms(draft_word)
    return bool(d & _says_forms(source_word)) or bool(d & _base_forms(source_word))


@lru_cache(maxsize=LOOKUP_CACHE_SIZE)
def _noun_up(word: str) -> frozenset[str]:
    """The lemmas of the noun senses of ``word`` and of their hypernyms (up to :data:`HYPERNYM_DEPTH`
    levels): what ``word``, read as a thing, can also be called."""

    out: set[str] = set()
    for syn in _synsets(word, "n"):
        frontier = [syn]
        for _ in range(HYPERNYM_DEPTH + 1):
            out.update(lem.name().lower().replace("_", " ") for s in frontier for lem in s.lemmas())
            frontier = [h for s in frontier for h in _up(s)]
    return frozenset(out)


@lru_cache(maxsize=LOOKUP_CACHE_SIZE)
def derived(word: str) -> frozenset[str]:
    """Forms derived from the usual senses of ``word`` ("extension" -> "extend"; its usual part of
    speech only), one step, no hypernyms."""

    pos = usual_pos(word)
    return frozenset(d.name().lower() for syn in _synsets(word) if syn.pos() == pos for lem in syn.lemmas()
                     for d in lem.derivationally_related_forms())


def same_thing(source_noun: str, draft_noun: str) -> bool:
    """Can ``draft_noun`` name the thing ``source_noun`` names: the same lemma, a synonym or a
    hypernym, noun senses only? Stricter than :func:`supports`, which also follows verb senses and
    derived forms ("trees" -> "tree" (chase up a tree) -> "chase" <- "dogs"), too loose to tell
    whether one thing was swapped for another."""

    d = lemmas(draft_noun)
    return bool(d & lemmas(source_noun)) or bool(d & _noun_up(source_noun))


@lru_cache(maxsize=LOOKUP_CACHE_SIZE)
def antonyms(word: str) -> frozenset[str]:
    """WordNet antonyms of ``word`` (a satellite adjective through its head: "hard" ~ "difficult" - "easy")."""

    out: set[str] = set()
    for syn in _synsets(word)[:USUAL_SENSES]:
        group = [syn] + (syn.similar_tos() if syn.pos() == "s" else [])
        for s in group:
            for lem in s.lemmas():
                out.update(ant.name().lower() for ant in lem.antonyms())
    return frozenset(w.replace("_", " ") for w in out)


def are_antonyms(a: str, b: str) -> bool:
    la, lb = lemmas(a), lemmas(b)
    return any(x in antonyms(y) for x in la for y in lb) or any(x in antonyms(y) for x in lb for y in la)


@lru_cache(maxsize=1)
def _direction_roots() -> tuple[frozenset[str], frozenset[str]]:
    wn = wordnet()
    if wn is None:
        return frozenset(), frozenset()

    def names(keys: tuple[str, ...]) -> frozenset[str]:
        out = set()
        for k in keys:
            try:
                out.add(wn.synset(k).name())
            except Exception:  # a sense name missing in this WordNet version
                continue
        return frozenset(out)

    return names(_UP), names(_DOWN)


@lru_cache(maxsize=LOOKUP_CACHE_SIZE)
def verb_direction(verb: str, particle: str = "") -> int:
    """+1 for a verb of increase ("raise", "boost", "drive up"), -1 for one of decrease ("cut",
    "lower", "scale back"), 0 when WordNet does not say or its senses disagree. The first two
    senses decide (the usual meanings), each with its hypernyms up to :data:`HYPERNYM_DEPTH`."""

    up, down = _direction_roots()
    word = f"{verb}_{particle}" if particle else verb
    senses = _synsets(word, "v")[:2] if particle else _synsets(verb, "v")[:2]
    score = 0
    for syn in senses:
        frontier, seen = [syn], set()
        for _ in range(HYPERNYM_DEPTH + 1):
            names = {s.name() for s in frontier}
            if names & up:
                score += 1
                break
            if names & down:
                score -= 1
                break
            seen |= names
            frontier = [h for s in frontier for h in s.hypernyms() if h.name() not in seen]
    return (score > 0) - (score < 0)
