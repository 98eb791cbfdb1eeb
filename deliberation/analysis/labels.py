"""Topic labels: class-based TF-IDF over the topics' statements, and the choice of label terms.

c-TF-IDF as in BERTopic (Grootendorst 2022, "BERTopic: Neural topic modeling with a class-based
TF-IDF procedure"): the frequency of a term in a topic divided by the topic's total term count,
times ``log(1 + average terms per topic / frequency of the term across all topics)``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

import numpy as np

from deliberation.text.languages import detect_languages, language_name, main_language
from deliberation.text.terms import CJK_RE
from deliberation.words import base_language, said

__all__ = ["centre_ranks", "class_tfidf", "guess_languages", "label_language", "language_notes", "pick_terms"]


def class_tfidf(term_lists_by_class: Sequence[Sequence[Sequence[str]]]) -> tuple[list[str], np.ndarray]:
    """c-TF-IDF (BERTopic): ``term_lists_by_class[c]`` holds the term lists of class c's statements.

    A term counts once per statement. Returns the vocabulary (sorted) and a (classes x terms) score
    matrix: (count of t in c / all term counts in c) * log(1 + mean term count per class / count of
    t over all classes)."""
    vocab_set: set[str] = set()
    per_class: list[Counter[str]] = []
    for statements in term_lists_by_class:
        counter: Counter[str] = Counter()
        for terms in statements:
            counter.update(set(terms))
        per_class.append(counter)
        vocab_set.update(counter)
    vocab = sorted(vocab_set)
    if not vocab:
        return vocab, np.zeros((len(per_class), 0))
    index = {t: i for i, t in enumerate(vocab)}
    counts = np.zeros((len(per_class), len(vocab)))
    for c, counter in enumerate(per_class):
        for term, cnt in counter.items():
            counts[c, index[term]] = cnt
    row_sums = counts.sum(axis=1, keepdims=True)
    tf = np.divide(counts, row_sums, out=np.zeros_like(counts), where=row_sums > 0)
    avg_terms = float(row_sums.mean())
    term_totals = counts.sum(axis=0)
    idf = np.log1p(avg_terms / term_totals)
    return vocab, tf * idf


def centre_ranks(term_lists: Sequence[Sequence[str]], sims: np.ndarray) -> dict[str, tuple[int, int]]:
    """Each term's place when a topic's statements are read from the one nearest the topic's centre
    outward (``sims``: each statement's cosine to the centre; equal ones in the given order): (the rank
    of the first statement holding the term, the term's position in it). :func:`pick_terms` breaks
    ties with it in a topic whose statements share no word."""
    order = sorted(range(len(term_lists)), key=lambda p: (-round(float(sims[p]), 12), p))
    ranks: dict[str, tuple[int, int]] = {}
    for r, p in enumerate(order):
        for k, term in enumerate(term_lists[p]):
            ranks.setdefault(term, (r, k))
    return ranks


def grow_cjk(term: str, segments: list[str], max_len: int = 6, share: float = 0.8) -> str:
    """Extend a CJK character pair to the longer word it usually sits in: add the character that
    follows (or precedes) it in at least ``share`` of its occurrences in ``segments``, repeatedly
    ("計程" -> "計程車"). Segments are already cut at function characters and words."""
    while len(term) < max_len:
        right: Counter[str] = Counter()
        left: Counter[str] = Counter()
        total = 0
        for seg in segments:
            start = seg.find(term)
            while start >= 0:
                total += 1
                end = start + len(term)
                if end < len(seg):
                    right[seg[end]] += 1
                if start > 0:
                    left[seg[start - 1]] += 1
                start = seg.find(term, start + 1)
        if total == 0:
            break
        best_right = right.most_common(1)[0] if right else ("", 0)
        best_left = left.most_common(1)[0] if left else ("", 0)
        if best_right[1] >= share * total and best_right[1] >= best_left[1]:
            term = term + best_right[0]
        elif best_left[1] >= share * total:
            term = best_left[0] + term
        else:
            break
    return term


#: what stands between a sentence's start and its first word: the text before a word matching this starts a
#: sentence (nothing, or a sentence's end and opening quotes or brackets), so the word's first capital may be
#: the sentence's, not the word's own (:func:`as_written`)
SENTENCE_START = re.compile(r"(?:^|[.!?…:;])[\s\"'„“”«»‚‘’(\[¿¡-]*$")


#: a statement written all in capitals counts as shouted (its capitals say nothing of how its words are
#: written) when it has at least this many words of letters besides CJK: a Chinese statement whose one Latin
#: word is an acronym ("NCC應該管理外送平台") writes that word as it is written
SHOUTED_MIN_WORDS = 2
#: a word of two or more letters or digits, as the shouting test counts them
LATIN_WORD = re.compile(r"[^\W_]{2,}")


def as_written(term: str, texts: Sequence[str]) -> str:
    """A label term (lower case, :func:`~deliberation.text.terms.extract_terms`) as the topic's statements
    write it: as most of its occurrences there write it when that has a capital past its first letter
    ("UberX", 29 of vTaiwan's 33: its label said "uberx"; "NYC", "CO2"), or a first capital when most of its
    occurrences inside a sentence have one (a German noun, "Gelände" where a German room's label said
    "gelände"; a name, "Taipei"); else the term itself ("Build" starting a sentence says nothing of the
    word; "Uber", "uber", "UBER" are several ways; a CJK term has no case)."""
    if CJK_RE.search(term):
        return term
    # the term between anything but a letter or digit ("__UberX__" too: an underscore parts words as extract_terms does)
    pattern = re.compile(rf"(?<![^\W_]){re.escape(term)}(?![^\W_])", re.IGNORECASE)
    found, inside = Counter(), Counter()  # each written form: everywhere, and not starting a sentence
    for text in texts:
        text = CJK_RE.sub(" ", unicodedata.normalize("NFKC", text))
        if text.upper() == text and len(LATIN_WORD.findall(text)) >= SHOUTED_MIN_WORDS:
            continue  # shouted ("STOP THE TOLLS NOW"): says nothing of how a word is written
        for m in pattern.finditer(text):
            found[m.group(0)] += 1
            inside[m.group(0)] += not SENTENCE_START.search(text[:m.start()])
    written, n = found.most_common(1)[0] if found else (term, 0)
    if n * 2 > found.total() and any(ch.isupper() for ch in written[1:]):  # most are written so: the word's own
        return written
    written, n = inside.most_common(1)[0] if inside.total() else (term, 0)
    return written if n * 2 > inside.total() and written[:1].isupper() else term


def pick_terms(
    vocab: list[str],
    scores: np.ndarray,
    lift: np.ndarray | None,
    counts_in_topic: Counter[str],
    topic_segments: list[str],
    n: int,
    centre_rank: dict[str, tuple[int, int]] | None = None,
) -> tuple[list[str], list[float]]:
    """Top-n terms by c-TF-IDF score. Terms no more common in the topic than in the whole corpus
    (``lift`` <= 1) are skipped when other terms are left: they do not tell topics apart. CJK pairs
    grow to the word they usually sit in; a term contained in (or, for words, a prefix of) a term
    already chosen is skipped ("trees" keeps out "tree", "計程車" keeps out "程車").

    Equal scores go to the term in more of the topic's statements, then alphabetically. In a topic
    whose statements share no word (every term in one statement: a small or mixed topic), every term
    of the topic alone scores the same, and alphabetical order picked "allumé · appartements" from
    unrelated statements; there, with ``centre_rank`` (:func:`centre_ranks`), equal scores go to the
    words of the statement nearest the topic's centre, in the order it says them, then the next
    nearest statement's: the label says what the topic's most typical statement says."""
    no_shared = centre_rank is not None and max(counts_in_topic.values(), default=0) < 2
    order = sorted(
        (i for i in range(len(vocab)) if scores[i] > 0),
        key=(lambda i: (-scores[i], centre_rank.get(vocab[i], (len(centre_rank), 0)))) if no_shared
        else (lambda i: (-scores[i], -counts_in_topic.get(vocab[i], 0), vocab[i])),
    )
    if lift is not None:
        distinct = [i for i in order if lift[i] > 1.0 + 1e-9]
        order = distinct + [i for i in order if lift[i] <= 1.0 + 1e-9]
    chosen: list[str] = []
    chosen_scores: list[float] = []
    for i in order:
        if len(chosen) >= n:
            break
        term = vocab[i]
        is_cjk = bool(CJK_RE.fullmatch(term))
        if is_cjk:
            term = grow_cjk(term, topic_segments)
            if any(term in c or c in term for c in chosen):
                continue
        elif any(len(min(c, term, key=len)) >= 3 and (c.startswith(term) or term.startswith(c))
                 for c in chosen):
            continue
        chosen.append(term)
        chosen_scores.append(float(scores[i]))
    return chosen, chosen_scores


# Label language

def guess_languages(texts: Sequence[str], forced: str) -> tuple[list[str], str]:
    """Per-statement language (ISO 639-1, :func:`deliberation.text.detect_languages`; undetermined
    ones get the majority language) and the corpus' majority language (ties go to English)."""
    if not texts:
        return [], ""
    if forced != "auto":
        return [forced] * len(texts), forced
    guesses = detect_languages(texts)
    majority = main_language(guesses, default="en")
    return [g or majority for g in guesses], majority


def label_language(langs: Sequence[str], corpus_lang: str, room_language: str = "") -> str:
    """The language topic labels are made in (:func:`deliberation.analysis.topics._label_terms`): the room's, when some statements
    are in it, else the statements' majority language. A German room of three German and three
    English statements (the majority's tie going to English) showed its topics as "housing · park"
    on its German board and report (a hand-run room, tests/test_topic_label_language.py). A room in a
    converted language is its base language's here (a Simplified room's statements are detected as "zh")."""
    room = base_language(room_language) if room_language else ""
    return room if room and room in langs else corpus_lang


def language_notes(counts: dict[str, int], labelled_in: str, main: str, forced: bool) -> list[str]:
    """Notes on the languages seen: which ones and how many statements each, which one the labels
    are in, and that Chinese is segmented without a dictionary (unless the language was forced)."""
    notes = []
    if len(counts) > 1:
        listed = ", ".join(said("topics.in_language", language=language_name(code), n=k) for code, k in counts.items())
        notes.append(said("topics.languages_seen", languages=listed, main=language_name(labelled_in)))
    if main == "zh" and not forced:
        notes.append(said("topics.chinese"))
    return notes
