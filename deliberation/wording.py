"""Plain words for readers: the one place that names audiences, draft headings and the terms of
the method.

Audience keys (as in ``Draft.speaks_for`` and the graph's draft keys):

* ``"all"`` — everyone; ``"all:<i>"`` — the i-th item of the common-ground slate (each item is its
  own ballot item, but speaks for everyone like ``"all"``);
* ``"group:<n>"`` — opinion group n, named by a letter for readers (group 0 is "group A");
* ``"topic:<n>"`` — topic n (named by its label when one is given).

A key is parsed in one place, :class:`Audience`, which also names it in words; the moderator
console, the participant page, the live board and the report all call :meth:`Audience.name` /
:meth:`Audience.heading` (or their shorthands :func:`audience_name`, :func:`draft_heading`);
nothing else splits a key or turns it into words. The words themselves, in every language the app
speaks, are one table, :data:`AUDIENCE_WORDS`; ``lang`` picks the language (English by default),
and :func:`heading_in` says a stored English heading in another language (ui.i18n's pages).
"""

from __future__ import annotations

import re
import string
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterable

from deliberation.words import (
    CONVERTED, DEFAULT_LANGUAGE, LANGUAGE_NAMES, SAID, Texts, converted, load, no_break_spaces, read_said, retell, said,
)

#: What each term of the method means, in one sentence, for readers who meet it in the report or
#: the moderator console. Participants' pages show none of these terms. Their one home is the
#: ``[terms]`` table of deliberation/messages/en.toml (the report's words; other languages: its
#: other files), read through deliberation.words: term id ("jr", "ejr", "gic", "schulze") -> text.
TERMS: dict[str, str] = {mid.removeprefix("terms."): text
                         for mid, text in load("deliberation", DEFAULT_LANGUAGE).items() if mid.startswith("terms.")}


#: An audience and a draft's heading in each language of the app (ui.i18n.LANGUAGES), language ->
#: word id -> text: the one table of these words (deliberation/audiences.toml says what
#: each id is). ``group`` takes the group's letter; ``topic`` (with its label) and ``topic_n`` (by
#: its number) are a topic as a heading says it, ``topic_name`` the topic on its own.
AUDIENCE_WORDS: dict[str, dict[str, str]] = {
    lang: {wid: no_break_spaces(lang, text) for wid, text in words.items()} for lang, words in tomllib.loads(
        resources.files("deliberation").joinpath("audiences.toml").read_text(encoding="utf-8")).items()}
# a converted language's (Simplified Chinese): the words of the language it is converted from, in its script
AUDIENCE_WORDS |= {lang: {wid: converted(lang, text) for wid, text in AUDIENCE_WORDS[base].items()}
                   for lang, (base, _config) in CONVERTED.items()}
#: The language of the graph's own headings and of :data:`AUDIENCE_WORDS`' default.
ENGLISH = "en"


def audience_words(lang: str = ENGLISH) -> dict[str, str]:
    """:data:`AUDIENCE_WORDS` of one language; a language without them is refused in words."""
    try:
        return AUDIENCE_WORDS[lang]
    except KeyError:
        raise ValueError(f"no words for audiences in {lang!r}: known are {', '.join(AUDIENCE_WORDS)}") from None


def group_letter(n: int | str) -> str:
    """Opinion group number -> letter: 0 -> "A", 25 -> "Z", 26 -> "AA" (a non-number stays as it is)."""
    try:
        i = int(n)
    except (TypeError, ValueError):
        return str(n)
    if i < 0:
        return str(n)
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = string.ascii_uppercase[r] + out
    return out


#: What is added to a topic's stored id to give the number people see: the analysis numbers topics
#: 0, 1, … (the ids in the store, the audience keys "topic:0" and the checkpoints keep them), people
#: count from 1 ("topic 1" for "topic:0").
TOPIC_NUMBER_BASE = 1


def topic_number(topic_id: int | str) -> int | str:
    """A topic's stored id -> the number it is shown by (0 -> 1), the one home of that numbering for
    every page, the report, the audit's findings, the review cards and the command line; an id that
    is not a number stays as it is."""
    try:
        return int(topic_id) + TOPIC_NUMBER_BASE
    except (TypeError, ValueError):
        return topic_id


def group_label(n: int | str, lang: str = ENGLISH) -> str:
    """Opinion group number -> "group A" ("Gruppe A" in German)."""
    return audience_words(lang)["group"].format(letter=group_letter(n))


def of_grouped(in_groups: int, everyone: int | None) -> str:
    """" of the N in groups", said after an opinion group's share when not everyone is in a group:
    shares are of the participants in groups (Seattle $15: group A, 96 participants, is 70% of the
    138 in groups and 28% of all 339)."""
    return f" of the {in_groups} in groups" if everyone and 0 < in_groups < everyone else ""


def first_upper(text: str) -> str:
    """The first letter in upper case, the rest unchanged ("group A" -> "Group A"; str.capitalize
    would write "Group a")."""
    return text[:1].upper() + text[1:]


def plural(n: int, one: str, many: str | None = None) -> str:
    """A count with its noun: ``plural(1, "vote")`` -> "1 vote", ``plural(0, "vote")`` -> "0 votes",
    ``plural(3, "person", "people")`` -> "3 people". Zero takes the plural, as in English."""
    return f"{n} {inflect(n, one, many)}"


def topic_sources(n_statements: int, n_voices: int, n_without_author: int = 0, n_seeds: int = 0) -> str:
    """Whose a topic's statements are, one person one voice: "9 statements from 6 participants, the
    moderator's 2 seed statements and 1 without a named author". A statement without an author is
    no participant's voice, so it is named apart rather than counted as a participant: of the
    ``n_without_author``, ``n_seeds`` are the moderator's own (stored with origin "seed": the
    console's seed form, ``deliberation seed``), the rest came from an import without an author (a
    Polis export whose comments carry no author id, a statements file without an ``author``
    column, or a database from before origins were stored), whose writer is not known."""
    n_seeds = min(n_seeds, n_without_author)
    unnamed = n_without_author - n_seeds
    said = plural(n_statements, "statement")
    parts = ([f"the moderator's {plural(n_seeds, 'seed statement')}"] if n_seeds else []) + \
            ([f"{unnamed} without a named author"] if unnamed else [])
    if n_voices:
        return f"{said} from {listing([plural(n_voices, 'participant'), *parts])}"
    if not parts:
        return f"{said} from {plural(0, 'participant')}"
    if not n_seeds:
        return f"{said} without a named author"
    return parts[0] if not unnamed else f"{said}: {listing(parts)}"


def inflect(n: int, one: str, many: str | None = None) -> str:
    """The word alone, for ``n`` things: ``inflect(2, "has", "have")`` -> "have"; ``many`` defaults
    to ``one`` + "s"."""
    return one if n == 1 else (many if many is not None else one + "s")


def listing(items: list[str]) -> str:
    """Items in a sentence: "a", "a and b", "a, b and c"."""
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def draft_name(statement_id: str, lang: str = ENGLISH) -> str:
    """A draft put to the vote, named by the number of the ballot item participants vote on, as the
    participant page names it in ``lang`` (the ``draft`` of :data:`AUDIENCE_WORDS`, its one home):
    "draft 25", "Entwurf 25", "projet 25", "borrador 25"; :func:`first_upper` where it starts a line.
    A draft is never called by the statements' word ("proposition 25" beside "Projet 25")."""
    return audience_words(lang)["draft"].format(sid=statement_id)


def ballot_name(heading: str, statement_id: str, lang: str = ENGLISH) -> str:
    """A draft put to the vote as the report names it: its heading, then the number of the statement
    participants voted on ("Common ground 1 (8)"); the tally's notes name drafts so too. In another
    language the number is said with the draft's name (:func:`draft_name`), as the report's vote
    line and the participant page name it ("Terrain d'entente 1 (projet 8)": "(8)" was a number
    the reader could not tell from a statement's)."""
    return f"{heading} ({statement_id if lang == ENGLISH else draft_name(statement_id, lang)})"


@dataclass(frozen=True)
class Audience:
    """Who a draft speaks for, parsed once from its key (``Draft.speaks_for``, the graph's draft
    keys): ``Audience.parse("group:2")``; ``str(audience)`` is the key again.

    ``family`` is "all" (everyone; ``item`` = position on the common-ground slate, or None for
    plain "all"), "group" (opinion group ``number``) or "topic" (topic ``number``). A key of
    another shape is kept whole as its own family, so it round-trips and is named as it is.
    """

    family: str
    number: int | str | None = None

    @classmethod
    def parse(cls, key: "str | Audience") -> "Audience":
        if isinstance(key, Audience):
            return key
        family, sep, n = str(key).partition(":")
        if not sep:
            return cls(family)  # "all", or a key of another shape kept whole
        if family not in ("all", "group", "topic"):
            return cls(str(key))
        return cls(family, int(n) if n.isdigit() else n)

    @classmethod
    def everyone(cls, item: int | None = None) -> "Audience":
        """Everyone; with ``item``, that item of the common-ground slate ("all:<item>")."""
        return cls("all", item)

    @classmethod
    def group(cls, n: int) -> "Audience":
        return cls("group", int(n))

    @classmethod
    def topic(cls, n: int | str) -> "Audience":
        return cls("topic", n)

    def __str__(self) -> str:
        return self.family if self.number is None else f"{self.family}:{self.number}"

    @property
    def key(self) -> str:
        return str(self)

    @property
    def is_everyone(self) -> bool:
        return self.family == "all"

    @property
    def is_group(self) -> bool:
        return self.family == "group"

    @property
    def is_topic(self) -> bool:
        return self.family == "topic"

    @property
    def slate_item(self) -> int | None:
        """The position of a common-ground slate item ("all:2" -> 2); None for any other key."""
        return self.number if self.is_everyone and isinstance(self.number, int) else None

    @property
    def speaks_for(self) -> "Audience":
        """The audience proper: a slate item speaks for everyone ("all:2" -> "all")."""
        return Audience("all") if self.is_everyone else self

    def name(self, topics: dict | None = None, lang: str = ENGLISH) -> str:
        """In words: "everyone", "group A", "the topic “parking · shops”" or "topic 3" (``lang``:
        in that language of :data:`AUDIENCE_WORDS`, "Gruppe A", "das Thema „parking“").

        ``topics``: topic id (int or str) -> label, to name a topic by its label.
        """
        w = audience_words(lang)
        if self.is_everyone:
            return w["everyone"]
        if self.is_group:
            return group_label(self.number, lang)
        if self.is_topic:
            return w["topic_name"].format(topic=self._topic(w, topics, lang))
        return self.key

    def _topic(self, w: dict[str, str], topics: dict | None, lang: str = ENGLISH) -> str:
        n = self.number
        label = (topics or {}).get(n) or (topics or {}).get(str(n))
        return w["topic"].format(label=topic_label(label, lang)) if label else w["topic_n"].format(n=topic_number(n))

    def heading(self, *, split: bool = False, topics: dict | None = None, lang: str = ENGLISH) -> str:
        """What a draft for this audience is, in words: "Common ground 2", "What group A asks for",
        "Where opinions split on …" (a topic whose statements divide the groups) or "What people
        said about …" (``lang``: in that language, "Gemeinsamer Nenner 2", "Was Gruppe A fordert")."""
        w = audience_words(lang)
        if self.is_everyone:
            return w["common_ground"] + (f" {self.slate_item}" if self.slate_item else "")
        if self.is_group:
            return w["asks_for"].format(group=group_label(self.number, lang))
        if self.is_topic:
            return w["split" if split else "said"].format(topic=self._topic(w, topics, lang))
        return self.name(topics, lang)


def audience_of(key: str) -> str:
    """The audience a draft key speaks for: "all:2" -> "all"; other keys are audiences already."""
    return str(Audience.parse(key).speaks_for)


def slate_item(key: str) -> int | None:
    """The position of a common-ground slate item ("all:2" -> 2); None for any other key."""
    return Audience.parse(key).slate_item


def audience_name(key: "str | Audience", topics: dict | None = None, lang: str = ENGLISH) -> str:
    """An audience key in words (:meth:`Audience.name`)."""
    return Audience.parse(key).name(topics, lang)


def draft_heading(key: "str | Audience", *, split: bool = False, topics: dict | None = None,
                  lang: str = ENGLISH) -> str:
    """What a draft is, in words (:meth:`Audience.heading`)."""
    return Audience.parse(key).heading(split=split, topics=topics, lang=lang)


def heading_in(lang: str, key: "str | Audience", heading: str) -> str:
    """A draft's heading as the graph stored it (English, :meth:`Audience.heading`) said in ``lang``:
    "What people said about the topic “parking”" for "topic:2" -> "Was zum Thema „parking“ gesagt
    wurde". The topic's label and whether opinions split on it are read from the English heading; a
    key of another shape keeps its heading (or its own name when it has none)."""
    a, en = Audience.parse(key), audience_words(ENGLISH)
    if not (a.is_everyone or a.is_group or a.is_topic):
        return heading or a.name()
    label = heading.partition("“")[2].rpartition("”")[0]
    split = heading.startswith(en["split"].partition("{")[0])
    return a.heading(split=split, topics={a.number: label} if label else None, lang=lang)


def _groups_phrase(side: list[tuple[int, int, int]], verb: str) -> str:
    """"most of group A agree (3 of 3 who voted)" (en.toml's ``said.position``: the report and the
    pages say it again in the room's language, :func:`held_by_in`)."""
    letters = listing([group_letter(g) for g, _, _ in side])
    groups = "_groups" if len(side) > 1 else ""
    k, n = sum(x[1] for x in side), sum(x[2] for x in side)
    if n == 1:  # a group of one in a small room: "most of group B disagree (1 of 1 who voted)" misled
        return said(f"position.one_{verb}s{groups}", letters=letters)
    return said(f"position.most_{verb}{groups}", letters=letters, k=k, n=n)


def position_phrase(agree: list[tuple[int, int, int]], disagree: list[tuple[int, int, int]] = ()) -> str:
    """Who holds a position, from the groups' votes: [(group, votes that way, votes)] for the groups
    a majority of which agree, and for those a majority of which disagree ->
    "Most of group A agree (3 of 3 who voted); most of group B disagree (3 of 3 who voted)"."""
    parts = ([_groups_phrase(list(agree), "agree")] if agree else []) + \
            ([_groups_phrase(list(disagree), "disagree")] if disagree else [])
    return first_upper("; ".join(parts))


def sentence_text(sentence: dict, lang: str = ENGLISH) -> str:
    """A draft sentence as readers see it: with who holds it ("Most of group A agree (…): “…”") when
    the draft sets positions side by side, else the sentence itself (``lang``: who holds it said in
    that language; the sentence as it was written)."""
    text = str(sentence.get("text", ""))
    who = held_by_in(sentence.get("held_by") or "", lang)
    return _held_quote(who, text, lang) if who else text


def _held_quote(who: str, text: str, lang: str) -> str:
    """Who holds a position, then the position quoted, with the colon and quote marks of ``lang``
    (``report.held_quote``, ``report.quoted``: English "…: “…”", German "…: „…“", French
    "… : « … »", Spanish "…: «…»"). English is written as :func:`draft_text` stores it."""
    if lang == ENGLISH:
        return f"{who}: “{text}”"
    w = Texts(lang)
    return w("report.held_quote", who=who, quoted=w("report.quoted", text=text))


def held_by_in(who: str, lang: str = ENGLISH) -> str:
    """Who holds a quoted position (:func:`position_phrase`, en.toml's ``said.position``, written in
    English) said in ``lang``. Anything else (a part that is not such a phrase) stays as it is."""
    if lang == ENGLISH or not who:
        return who
    parts = _position_parts(who)
    if parts is None:
        return who
    return Texts(lang)("report.sep").join(first_upper(retell(text, lang)) if upper else retell(text, lang)
                                         for text, upper in parts)


def _position_parts(who: str) -> list[tuple[str, bool]] | None:
    """The parts of a :func:`position_phrase` as ``said.position`` texts, each with whether it was
    written with a capital; None when some part is no such text."""
    out = []
    for part in who.split("; "):
        for text, upper in ((part, False), (part[:1].lower() + part[1:], True)):
            got = read_said(text)
            if got and got[0].startswith(f"{SAID}.position."):
                out.append((text, upper))
                break
        else:
            return None
    return out


#: a quoted position in a draft's text as readers see it (:func:`sentence_text`): who holds it, then
#: the quote; a sentence without who holds it has no colon before its opening quote mark
_HELD_QUOTE = re.compile(r"(^|” )([^“”]+?)(: “)")


def ballot_text_in(text: str, lang: str = ENGLISH) -> str:
    """A draft's whole text as stored for the vote (:func:`draft_text`, English where it says who
    holds a position) with who holds each position said in ``lang`` and each quoted position in
    that language's quote marks (:func:`_held_quote`); the quoted words stay as written.
    Only a phrase :func:`position_phrase` writes is changed: a text without one stays as it is."""
    if lang == ENGLISH or "“" not in text:
        return text
    # only who holds a position starts a quote: a statement's own "“Stop” and the other says: “Go”"
    # looked like one and ended the quote before it at its "Stop"
    found = [m for m in _HELD_QUOTE.finditer(text) if _position_parts(m[2]) is not None]
    if not found:
        return text
    out = [text[:found[0].end(1)]]
    for m, after in zip(found, found[1:] + [None]):
        who = held_by_in(m[2], lang)
        # the quote runs to the closing mark before the next position, or to the text's last mark;
        # a quote that is no position (a statement's own words) or is followed by more: as written
        if not who or _position_parts(m[2]) is None or after is None and not text.endswith("”"):
            out.append(who + text[m.end(2):after.end(1) if after else len(text)])
            continue
        end = after.start() if after else len(text) - 1
        out.append(_held_quote(who, text[m.end():end], lang) + (text[end + 1:after.end(1)] if after else ""))
    return "".join(out)


def topic_label(label: str, lang: str = ENGLISH) -> str:
    """A topic's label as the analysis builds it (English: "Other", "Topic 3", "parking · buses
    (English, German)", en.toml's ``topic_label``) said in ``lang``: the words that are not the
    statements' own and the names of the languages. A label of terms alone stays as it is."""
    w = Texts(lang)
    if w.lang == DEFAULT_LANGUAGE or not label:
        return label
    m = _label_pattern().fullmatch(label)
    base, named = (m["label"], m["languages"].split(", ")) if m else (label, None)
    en = Texts(DEFAULT_LANGUAGE)
    numbered = re.fullmatch(re.escape(en("topic_label.numbered", n="@")).replace("@", r"(\d+)"), base)
    if base == en("topic_label.other"):
        base = w("topic_label.other")
    elif numbered:
        base = w("topic_label.numbered", n=int(numbered[1]))
    if named is None:
        return base
    return w("topic_label.languages", label=base, languages=", ".join(w(LANGUAGE_NAMES + x) for x in named))


@lru_cache(maxsize=1)
def _label_pattern() -> re.Pattern:
    """English's ``topic_label.languages`` as a pattern reading back the label and the languages
    (English names of en.toml's ``names.language``, ", " between them)."""
    names = "|".join(re.escape(m.removeprefix(LANGUAGE_NAMES)) for m in load("deliberation", DEFAULT_LANGUAGE)
                     if m.startswith(LANGUAGE_NAMES))
    text = re.escape(Texts(DEFAULT_LANGUAGE)("topic_label.languages", label="@label@", languages="@languages@"))
    pattern = text.replace("@label@", "(?P<label>.+)").replace(
        "@languages@", f"(?P<languages>(?:{names})(?:, (?:{names}))*)")
    return re.compile(pattern, re.S)


#: Chinese and Japanese characters (kana, CJK ideographs and their extensions), as the ranges of a
#: regular expression's character class: scripts written without spaces between words
CJK_CHARS = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef"
#: ... and their punctuation (、。「」 and the full-width forms ，！？：): a space next to one of these or of a
#: CJK character is no word boundary, only spacing (:func:`ballot_words`)
_SPACE_BY_CJK = re.compile(rf"(?<=[{CJK_CHARS}\u3000-\u303f\uff00-\uffef]) | (?=[{CJK_CHARS}\u3000-\u303f\uff00-\uffef])")


def ballot_words(text: str) -> str:
    """What tells two ballot items apart for a reader: the words, case and spacing aside, also the spaces
    a Chinese or Japanese text has next to its characters ("我们需要 更多公园" says "我们需要更多公园": its
    script puts none between words). Two drafts with the same ballot words are one ballot item (graphs'
    publish step merges them); two statements, one (the same-words check: its digest,
    deliberation.storage.room_reads.words_key)."""
    return _SPACE_BY_CJK.sub("", " ".join(str(text or "").casefold().split()))


#: end marks after which the next sentence follows without a space (Chinese and Japanese put none)
_CLOSED_UP_AFTER = "。！？"


def join_sentences(texts: Iterable[str]) -> str:
    """Sentences one after the other as a reader reads them: a space between two, none after an
    ideographic end mark ("…最重要還是安全第一。我覺得傳統的計程車…", not "…第一。 我覺得…")."""
    out = ""
    for k, text in enumerate(texts):
        out += text if k == 0 or out[-1:] in _CLOSED_UP_AFTER else " " + text
    return out


def draft_text(sentences: list[dict]) -> str:
    """A draft's whole text as readers see it (and participants vote on it)."""
    return join_sentences(sentence_text(s) for s in sentences)


def plain_text(sentences: list[dict]) -> str:
    """A draft's sentences without who holds them: what a moderator edits and the guard checks."""
    return join_sentences(str(s.get("text", "")) for s in sentences)
