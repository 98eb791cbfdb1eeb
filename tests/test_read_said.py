"""Deliberation's English sentences read back (:func:`deliberation.words.read_said`): every ``said``
text reads the sentences it writes, and reading one compiles only the texts that can read it."""

import string

from deliberation import words
from deliberation.words import (DEFAULT_LANGUAGE, FIELD_PATTERNS, NUMBER_FIELDS, PERCENT_FIELDS, PROBLEM_FIELDS,
                                SENTENCE_FIELDS, Texts, load, read_said, said)


def _sample(field: str, form: str | None) -> str:
    if field == "n":
        return "1" if form == "one" else "3"
    if NUMBER_FIELDS.match(field):
        return "1,234"
    if PERCENT_FIELDS.match(field):
        return "25%"
    return "the bus line"


def _written() -> list[tuple[str, str]]:
    """(id, sentence) for every ``said`` text whose fields take any words, written with sample values."""
    out = []
    for mid, text in load("deliberation", DEFAULT_LANGUAGE).items():
        if not mid.startswith(words.SAID + "."):
            continue
        for form, t in text.items() if isinstance(text, dict) else [(None, text)]:
            fields = {f for _, f, _, _ in string.Formatter().parse(t) if f}
            if fields & (FIELD_PATTERNS.keys() | PROBLEM_FIELDS.keys() | SENTENCE_FIELDS.keys()):
                continue  # fields with a shape of their own
            out.append((mid, t.format(**{f: _sample(f, form) for f in fields})))
    return out


def test_every_said_sentence_is_read_back_into_a_text_that_writes_it_again():
    written = _written()
    assert len(written) > 300
    en = Texts(DEFAULT_LANGUAGE)
    for mid, sentence in written:
        got = read_said(sentence)
        assert got is not None, (mid, sentence)
        read_mid, n, fields = got
        assert en(read_mid, n, **fields) == sentence, (mid, read_mid, sentence)


def test_reading_a_sentence_back_compiles_only_the_texts_it_starts_and_ends_like():
    words._compiled.cache_clear()
    sentence = said("log.report", file="/tmp/report.md")
    assert read_said(sentence)[0] == f"{words.SAID}.log.report"
    assert read_said("no sentence of deliberation's") is None
    n_texts = len(words._said_patterns("deliberation"))
    assert n_texts > 300
    assert words._compiled.cache_info().currsize < n_texts // 10  # not every one, as before
