"""Texts in a language, read from message files: the one way the project's own words are kept in
English, German, French, Spanish and Traditional Chinese (the app's pages: ``ui/messages/<lang>.toml`` through
ui/i18n.py; the report: ``deliberation/messages/<lang>.toml`` through deliberation/report.py).

A message file holds one id per text, grouped in TOML tables (``[vote] stored = "…"`` is the id
``vote.stored``). A text with a count is a table of two forms, ``one`` and ``other``, picked by
the count ``n`` (:data:`ONE`: French says "0 vote" as it says "1 vote"). Placeholders are
``str.format`` fields. The language is passed down as a parameter (a BCP 47 tag such as "de");
a language without a file falls back to English.

Deliberation's own sentences (the analysis's notes, the grouping's stability, the coverage audit's
findings and verdict, the tally's notes) are the ``said.*`` texts: the code that makes one writes it
in English (:func:`said`), so the analysis, the CLI and ``analyze --json`` speak English; the
report says it in the room's language by reading the English sentence back into its id and fields
(:func:`read_said`, the English text as a pattern) and writing it again (:func:`retell`).
"""

from __future__ import annotations

import re
import string
import tomllib
from functools import lru_cache
from importlib import resources
from typing import Callable, NamedTuple

import opencc

#: The languages the project's words exist in, by BCP 47 tag, each named in itself. "zh" is Traditional
#: Chinese (zh-Hant) in Taiwan's words (vTaiwan's); "zh-Hans" Simplified Chinese, the same words converted
#: (:data:`CONVERTED`): a question in Simplified characters, ``?lang=zh-CN`` or a browser asking for zh-CN
#: gets it (deliberation.text.languages.chinese_script, ui.i18n.language_code).
LANGUAGES = {"en": "English", "de": "Deutsch", "fr": "Français", "es": "Español", "zh": "中文 (繁體)",
             "zh-Hans": "中文 (简体)"}
DEFAULT_LANGUAGE = "en"
#: Languages whose words are another language's converted to another script by OpenCC (a maintained
#: converter with its own character and phrase tables; the project keeps no character map): tag -> (the
#: language whose message files it converts, OpenCC's configuration). Simplified Chinese is Taiwan's
#: words (zh) converted to the mainland's characters and phrases ("tw2sp": 資訊 -> 信息, 軟體 -> 软件).
CONVERTED = {"zh-Hans": ("zh", "tw2sp")}
#: Punctuation a converted language (:data:`CONVERTED`) writes otherwise than the one it converts, which
#: OpenCC's tables leave as it is: the mainland quotes with “ ” and ‘ ’ (GB/T 15834) where Taiwan writes
#: 「 」 and 『 』; the Simplified pages kept Taiwan's corner brackets.
PUNCTUATION = {"zh-Hans": str.maketrans("「」『』", "“”‘’")}
#: The tag a document in one of :data:`LANGUAGES` declares (``<html lang>``) where it is more than the
#: language's code: the Chinese words of "zh" are Traditional, and a browser told "zh" may draw them with
#: the glyphs of Simplified characters.
DOCUMENT_TAGS = {"zh": "zh-Hant"}
#: Key of the room's language in the consultation's settings (Store.update_settings): the
#: moderator's choice, for the participant page, the board and the report.
ROOM_LANGUAGE_SETTING = "ui_language"
#: Key of the language the consultation's question is written in (deliberation.text.languages.question_language,
#: told when the consultation is made): the report marks the question with it where its own words are in another
#: (an English question in a German report).
QUESTION_LANGUAGE_SETTING = "question_language"
#: The two forms of a counted text.
FORMS = ("one", "other")
#: When a language uses the ``one`` form: 1 in English, German and Spanish; 0 and 1 in French. Chinese has
#: no plural: its files write both forms alike.
ONE = {"fr": (0, 1)}


def known(lang: str | None) -> str:
    """``lang`` if the project speaks it, else the default (English)."""
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def base_language(lang: str) -> str:
    """The language whose words ``lang`` converts (:data:`CONVERTED`), as a language detector names it:
    "zh" for a Simplified room ("zh-Hans"); any other language is its own."""
    return CONVERTED[lang][0] if lang in CONVERTED else lang


def document_tag(lang: str) -> str:
    """The BCP 47 tag a page or report in ``lang`` declares (``<html lang>``, :data:`DOCUMENT_TAGS`)."""
    return DOCUMENT_TAGS.get(lang, lang)


@lru_cache(maxsize=None)
def _converter(config: str):
    return opencc.OpenCC(f"{config}.json")


def converted(lang: str, text: str) -> str:
    """``text`` written in the language ``lang`` is converted from (:data:`CONVERTED`), in ``lang``'s
    script: Taiwan's "沒有參與者" is "没有参与者" in Simplified Chinese, its punctuation the language's own
    (:data:`PUNCTUATION`: 「投票」 is “投票”); as it is in any other language.
    ``str.format`` fields ("{drafts}") and Latin letters are left as they are."""
    if lang not in CONVERTED:
        return text
    return _converter(CONVERTED[lang][1]).convert(text).translate(PUNCTUATION.get(lang, {}))


#: OpenCC's character conversions that tell which Chinese script a text is written in: the characters
#: Simplified-to-Traditional ("s2t") changes are Simplified, those Traditional-to-Simplified ("t2s")
#: changes Traditional (deliberation.text.languages.chinese_script).
SCRIPT_CHECKS = {"simplified": "s2t", "traditional": "t2s"}
#: OpenCC's conversions to the Traditional standards a Chinese text may be written in (Taiwan's, Hong
#: Kong's): a character one of them writes is no sign of Simplified script, though "s2t" changes it.
#: Taiwan writes 台 (s2t: 臺), so '台北的交通' made a Simplified room of a Taiwanese question (38 such
#: characters in OpenCC's tables: 台, 温, 群, 峰, 床 ...).
TRADITIONAL_STANDARDS = ("t2tw", "t2hk")


def script_counts(text: str) -> dict[str, int]:
    """How many characters of ``text`` are written in each Chinese script (:data:`SCRIPT_CHECKS`):
    {"simplified": 3, "traditional": 0} for "公交车站"; a character both scripts share counts in neither,
    nor as Simplified one a Traditional standard writes (:data:`TRADITIONAL_STANDARDS`: 台)."""
    counts = {script: [a != b for a, b in zip(text, _converter(config).convert(text))]
              for script, config in SCRIPT_CHECKS.items()}
    traditional = _converter(SCRIPT_CHECKS["simplified"]).convert(text)
    for standard in TRADITIONAL_STANDARDS:
        written = _converter(standard).convert(traditional)
        counts["simplified"] = [s and a != b for s, a, b in zip(counts["simplified"], text, written)]
    return {script: sum(changed) for script, changed in counts.items()}


def flatten(table: dict, prefix: str = "") -> dict[str, str | dict]:
    """A TOML file's tables as message ids ("vote.stored"); a table of the forms stays whole."""
    out: dict[str, str | dict] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and set(value) and set(value) <= set(FORMS):
            out[name] = value
        elif isinstance(value, dict):
            out.update(flatten(value, name + "."))
        else:
            out[name] = value
    return out


def message_file(package: str, lang: str):
    """``<package>/messages/<lang>.toml`` (package data)."""
    return resources.files(package).joinpath("messages", f"{lang}.toml")


#: Languages whose punctuation keeps a space of its own, and the rule that makes it a no-break space
#: (U+00A0): French puts one before ":", ";", "!", "?" and "»" and after "«". A breakable one let a
#: phone-width page break "vote «" from "d'accord »" (and "Merci" from its ":") across lines.
_NO_BREAK = {"fr": (re.compile(r" ([:;!?»])|(«) "), lambda m: f"\u00a0{m[1]}" if m[1] else f"{m[2]}\u00a0")}


#: The space a language puts between a number and its "%" (a no-break space: French, German (DIN 5008)
#: and Spanish (RAE) write "67 %"; the pages wrote "67% d'accord" in a French room, and "0% de acuerdo",
#: "(40%)" in a Spanish room with a German console). A share is written in one place, :func:`percent_in`;
#: a message file never writes "{share} %" (its field holds the written share), and the figures its
#: sentences write themselves ("mit 90 % Sicherheit") get this space too (:func:`no_break_spaces`).
PERCENT_SPACE = {"fr": "\u00a0", "de": "\u00a0", "es": "\u00a0"}
#: A figure and its "%" in a message file's own words ("90 %"), and a share written in English ("67%", "12.5%").
_FIGURE_PERCENT = re.compile(r"(\d)[ \u00a0]?%")


def no_break_spaces(lang: str, text: str) -> str:
    """``text`` of ``lang`` with the spaces its punctuation keeps made no-break (:data:`_NO_BREAK`)
    and its own figures' "%" written as the language writes a share (:data:`PERCENT_SPACE`)."""
    rule = _NO_BREAK.get(lang)
    text = rule[0].sub(rule[1], text) if rule else text
    return _FIGURE_PERCENT.sub(lambda m: f"{m[1]}{PERCENT_SPACE.get(lang, '')}%", text)


def percent_in(lang: str, number: str) -> str:
    """The one way a share is written: a number of percent as English writes it ("67", "12.5") as
    ``lang`` writes the share, "%" and all: "67%", German "67 %", "12,5 %" (a no-break space)."""
    return f"{number_in(lang, number)}{PERCENT_SPACE.get(lang, '')}%"


#: The table of a message file that holds, for a language converted from it (:data:`CONVERTED`), the messages
#: it says otherwise than by converting them (``[converted."zh-Hans"]``, written like the rest of the file and
#: converted with it): where the words name the script itself, a zh-CN browser in a Traditional room was
#: offered "以中文阅读此页" (which Chinese?), now "以简体中文阅读此页". Not a message of the file's own language.
OWN_WORDS = "converted"


@lru_cache(maxsize=None)
def load(package: str, lang: str) -> dict[str, str | dict]:
    """Message id -> text (or ``{"one": …, "other": …}``) of one language's file of a package, its
    punctuation's spaces no-break where the language keeps them (:func:`no_break_spaces`); of a converted
    language (:data:`CONVERTED`), those of the language it is converted from, in its script, its own words
    (:data:`OWN_WORDS`) in place of the ones converting would give."""
    if lang in CONVERTED:  # the words of the language it is converted from, in its script
        own = flatten(_file(package, CONVERTED[lang][0]).get(OWN_WORDS, {}).get(lang, {}))
        return {mid: ({form: converted(lang, t) for form, t in text.items()} if isinstance(text, dict)
                      else converted(lang, text))
                for mid, text in {**load(package, CONVERTED[lang][0]), **own}.items()}
    texts = flatten({k: v for k, v in _file(package, lang).items() if k != OWN_WORDS})
    return {mid: ({form: no_break_spaces(lang, t) for form, t in text.items()} if isinstance(text, dict)
                  else no_break_spaces(lang, text)) for mid, text in texts.items()}


@lru_cache(maxsize=None)
def _file(package: str, lang: str) -> dict:
    return tomllib.loads(message_file(package, lang).read_text(encoding="utf-8"))


def placeholders(text: str) -> set[str]:
    """The ``str.format`` fields a text uses (their names, without format specs)."""
    return {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}


class Texts:
    """The texts of one language of a package's message files: ``w("vote.stored", answer=…)``;
    ``w("progress", n=3, done=1)`` picks the form for ``n``."""

    package = "deliberation"

    def __init__(self, lang: str | None = DEFAULT_LANGUAGE):
        self.lang = known(lang)
        self._texts = load(self.package, self.lang)

    def __contains__(self, mid: str) -> bool:
        return mid in self._texts

    def __call__(self, mid: str, n: int | None = None, **fields) -> str:
        text = self._texts[mid]
        if isinstance(text, dict):
            text = text["one" if n in ONE.get(self.lang, (1,)) else "other"]
        return text.format(n=n, **fields)

    def percent(self, x: float, digits: int = 0) -> str:
        """A share as this language writes it (:func:`percent_in`): 0.67 -> "67%", in French "67 %"
        (no-break space, :data:`PERCENT_SPACE`); ``digits`` after the decimal point (0.125, 1 -> "12.5%")."""
        return percent_in(self.lang, f"{100 * x:.{digits}f}")


# ==========================================================================================
# deliberation's sentences: written in English, said again in another language
# ==========================================================================================

#: The table of deliberation's own sentences (analysis, audit, tally), ``said.<area>.<name>``.
SAID = "said"
#: The message ids of the languages' names, by their English names ("names.language.German"):
#: deliberation.text.language_name's names in each language.
LANGUAGE_NAMES = "names.language."
#: Fields that hold a number (read back as digits, written in the language's way): ``n`` and the
#: fields named so.
NUMBER_FIELDS = re.compile(r"^(n|k|need|size|factor|ratio|ari|n_\w+)$")
_NUMBER = r"-?\d[\d,]*(?:\.\d+)?"
#: Fields that hold a share, written by :func:`percent` ("67%"; read back as a share, written as the
#: language writes one: :func:`percent_in`): ``share`` and the fields named so, ``left``, ``best``.
PERCENT_FIELDS = re.compile(r"^(share\w*|left|best)$")
_PERCENT = re.compile(rf"({_NUMBER})%")
#: Fields read back by a pattern of their own: the coverage checks that hold ("JR", "EJR", "JR and EJR").
FIELD_PATTERNS = {"checks": r"E?JR(?: and EJR)?"}
#: The separators of a list in an English field, outermost first ("a; b", "group A, group B and group C").
_LISTS = (re.compile(r"(; )"), re.compile(r"(, | and )"))


def _one_of(table: str) -> str:
    """A pattern for one of the English texts of a ``said`` table (longest first)."""
    texts = [t for mid, t in load("deliberation", DEFAULT_LANGUAGE).items() if mid.startswith(f"{SAID}.{table}.")]
    return "|".join(re.escape(t) for t in sorted(texts, key=len, reverse=True))


#: Fields of the errors' and moderation reasons' sentences read back by a pattern of their own: a
#: value quoted as Python quotes it (a bad cell, a flagged snippet), never across the "; " that
#: joins a statement's moderation reasons; what an id names ("statement id", "author",
#: "participant"); the kind of instruction-like text a statement was held for; the parts of one
#: moderation reason (never across its "; ").
PROBLEM_FIELDS = {"quoted": r"'(?:(?!'; ).)*'|\"(?:(?!\"; ).)*\"", "id_kind": _one_of("input.id"),
                  "instruction": _one_of("held.instruction"),
                  **dict.fromkeys(("kinds", "abuse", "found", "language"), r"(?:(?!; ).)+?")}
#: Fields of a ``said`` sentence that quote what was given (a cell, a file name, a Python error, the
#: moderator's note): said again as they are, never read as a sentence.
AS_WRITTEN = frozenset({"quoted", "value", "error", "file", "files", "byte", "columns", "column_name", "missing",
                        "columns_found", "folders", "suffix", "moderator_note", "comment_ids",
                        # a run's log lines (``said.log``): a drafter's and a model's name
                        "drafter", "model",
                        # a run's record (``said.run``): its clock time, its command, a process's name, a signal
                        "clock", "command", "process", "signal",
                        # the address of a language model (``said.run.llm_unreachable_at``)
                        "url",
                        # the log file that says why a server did not start (``said.input.chroma_not_started``)
                        "log_file",
                        # a run's settings by name (deliberation.tuning): the option, a setting, a config, its names
                        "option", "setting", "config", "names"})
#: Fields that hold names, each as written, joined by English's "or" (:func:`either`: the settings a
#: bare name may mean): said with the language's "or" (``report.or``).
OR_FIELDS = frozenset({"alternatives"})
#: Fields that hold a note (a run's log line's ``detail``): one of deliberation's sentences, said
#: again (the rebuilt vector index: ``said.log.index_rebuilt``), or anything else, as written.
NOTE_FIELDS = frozenset({"detail"})
#: Fields that name a run's steps as the command line says them (en.toml's ``[step]``, joined by ", "
#: as graphs.runner.steps_words joins them): said by that table of the language.
STEP_FIELDS = frozenset({"step"})
#: Fields of a run's log lines (``said.log``) that hold draft keys ("all:1", "topic:0", or a list of
#: them, "['all:1', 'group:0']", as the command line prints them): said by the caller's ``names``
#: (the console names each draft by its heading: deliberation.report_text.said_in), in English too
#: (:func:`name_keys`); as written where ``names`` does not know them.
KEY_FIELDS = frozenset({"key", "keys", "key_same"})
#: Fields read back as one whole sentence, up to its first ". " (a run's log line joins two of the
#: tally's notes with a space: ``said.log.tally_two``).
SENTENCE_FIELDS = {"first": r".+?\."}
#: The ``said`` tables of what a moderator is told about bad input, held statements and a run (its
#: record, how it ended, why it was refused): read back only into each other (:func:`retell_list`),
#: never into the report's sentences.
PROBLEMS = (f"{SAID}.input.", f"{SAID}.held.", f"{SAID}.run.")
#: All the ``said`` tables.
ALL_SAID = (SAID + ".",)


def said(mid: str, n: int | None = None, **fields) -> str:
    """One of deliberation's sentences (``said.<mid>`` of en.toml) in English, where it is made."""
    return Texts(DEFAULT_LANGUAGE)(f"{SAID}.{mid}", n, **fields)


def either(names) -> str:
    """Names as deliberation's English sentences give a choice of them: "a or b or c" (``report.or``;
    said again with the language's word: :data:`OR_FIELDS`)."""
    return Texts(DEFAULT_LANGUAGE)("report.or").join(names)


def english(mid: str, n: int | None = None, **fields) -> str:
    """A text of en.toml (any table) in English, where the code writes it for every language alike
    (a topic's label in the analysis; the pages and the report say it again in their language)."""
    return Texts(DEFAULT_LANGUAGE)(mid, n, **fields)


def percent(x: float, digits: int = 0) -> str:
    """A share as deliberation's English sentences write it (:meth:`Texts.percent`): 0.25 -> "25%"."""
    return Texts(DEFAULT_LANGUAGE).percent(x, digits)


def number_word(n: int) -> str:
    """A small number as deliberation's English sentences write it: "two" to "eight" in words
    (``number.words``), the digits otherwise."""
    words = Texts(DEFAULT_LANGUAGE)("number.words").split()
    return words[n] if 2 <= n < len(words) else str(n)


def _pattern(text: str) -> re.Pattern:
    """An English text as a pattern that reads its fields back."""
    out, seen = [], set()
    for literal, field, spec, conv in string.Formatter().parse(text):
        out.append(re.escape(literal))
        if field is None:
            continue
        if field in seen:
            out.append(f"(?P={field})")
        else:
            seen.add(field)
            own = FIELD_PATTERNS.get(field) or PROBLEM_FIELDS.get(field) or SENTENCE_FIELDS.get(field)
            own = own or (_PERCENT.pattern if PERCENT_FIELDS.match(field) else _NUMBER if NUMBER_FIELDS.match(field)
                          else ".+?")
            out.append(f"(?P<{field}>{own})")
    return re.compile("".join(out), re.S)


class _SaidText(NamedTuple):
    """A ``said`` text as :func:`read_said` tries it: its id and form, the words it starts and ends
    with (a sentence it reads starts and ends with them too) and the text itself."""

    mid: str
    form: str | None
    head: str
    tail: str
    text: str


@lru_cache(maxsize=None)
def said_before(package: str) -> dict[str, str | dict]:
    """The English words ``package``'s ``said`` texts had before they were changed (``<package>/said_before.toml``;
    none where it has no such file), by id: read back as the id they were (:func:`read_said`)."""
    before = resources.files(package).joinpath("said_before.toml")
    return flatten(tomllib.loads(before.read_text(encoding="utf-8"))) if before.is_file() else {}


@lru_cache(maxsize=None)
def _said_patterns(package: str, within: tuple[str, ...] = ALL_SAID) -> list[_SaidText]:
    """The ``said`` texts of ``package`` (tables ``within``) and the words they had before
    (:func:`said_before`), the longest own words first (the more specific: tried first)."""
    found = []
    texts = [*load(package, DEFAULT_LANGUAGE).items(), *said_before(package).items()]
    for mid, text in texts:
        if mid.startswith(within):
            for form, t in (text.items() if isinstance(text, dict) else [(None, text)]):
                parts = list(string.Formatter().parse(t))
                words = sum(len(literal) for literal, *_ in parts)
                head = parts[0][0] if parts else ""
                tail = parts[-1][0] if parts and parts[-1][1] is None else ""
                found.append((words, _SaidText(mid, form, head, tail, t)))
    return [said_text for _, said_text in sorted(found, key=lambda x: -x[0])]


#: compiled on first use: a process that reads a few sentences back compiles the few texts that
#: can read them (those they start and end like), not every one of the ~500 (~0.3 CPU s)
_compiled = lru_cache(maxsize=None)(_pattern)


def read_said(text: str, package: str = "deliberation", within: tuple[str, ...] = ALL_SAID,
              ) -> tuple[str, int | None, dict[str, str]] | None:
    """An English sentence of :func:`said` read back: its id, its count and its other fields (as
    written); None when no ``said`` text (of the tables ``within``) reads it."""
    for said_text in _said_patterns(package, within):
        if not (text.startswith(said_text.head) and text.endswith(said_text.tail)):
            continue  # the pattern starts and ends with these words: it cannot read the sentence
        m = _compiled(said_text.text).fullmatch(text)
        if m:
            fields = m.groupdict()
            n = fields.pop("n", None)
            form = said_text.form
            n = int(n.replace(",", "")) if n is not None else (None if form is None else (1 if form == "one" else 2))
            return said_text.mid, n, fields
    return None


def number_in(lang: str, text: str) -> str:
    """A number written in English ("1,234", "0.99") as ``lang`` writes it ("1.234", "0,99")."""
    sample = Texts(lang)("number.sample")  # 1234.5: "1,234.5", "1.234,5"
    whole, _, frac = text.partition(".")
    return whole.replace(",", sample[1]) + (sample[-2] + frac if frac else "")


def retell(text: str, lang: str | None, names: Callable[[str], str | None] = lambda _: None,
           within: tuple[str, ...] = ALL_SAID) -> str:
    """One of deliberation's English sentences (:func:`said`) in ``lang``: read back, each field said
    in ``lang`` too (``names``: how the report names a draft or an audience in ``lang``, given its
    English name; a field that is itself a ``said`` text, a list of them or a number, recursively),
    and written with the language's text; ``within``: the tables read from. A sentence no ``said``
    text reads stays as it is, and so does a field :data:`AS_WRITTEN`."""
    w = Texts(lang)
    if w.lang == DEFAULT_LANGUAGE:
        return text
    got = read_said(text, within=within)
    if got is None:
        return text
    mid, n, fields = got
    return w(mid, n=n, **{k: _retell_one(k, v, w, names, within) for k, v in fields.items()})


def _retell_one(field: str, value: str, w: Texts, names: Callable[[str], str | None], within: tuple[str, ...]) -> str:
    """One field of a ``said`` sentence (:func:`retell`) in ``w``'s language, as its kind is said."""
    if field in FIELD_PATTERNS:  # the project's own words ("JR and EJR"): joined in ``lang``
        return value.replace(Texts(DEFAULT_LANGUAGE)("report.and"), w("report.and"))
    if field in NOTE_FIELDS:
        return retell(value, w.lang, names, within)
    if field in OR_FIELDS:  # names as written, joined in ``lang``
        return value.replace(Texts(DEFAULT_LANGUAGE)("report.or"), w("report.or"))
    if field in AS_WRITTEN:
        return value
    if field in STEP_FIELDS:
        return _steps_in(value, w)
    if field in KEY_FIELDS:
        return names(value) or value
    return _retell_field(value, w, names, within)


def _steps_in(value: str, w: Texts) -> str:
    """A run's steps in English words ("drafting statements, checking every sentence …") in ``w``'s
    language; a part that is no step's words stays as it is."""
    english = {text: mid for mid, text in load("deliberation", DEFAULT_LANGUAGE).items() if mid.startswith("step.")}
    return ", ".join(w(english[part]) if part in english else part for part in value.split(", "))


def name_keys(text: str, names: Callable[[str], str | None]) -> str:
    """One of deliberation's English sentences with its draft keys (:data:`KEY_FIELDS`) named by
    ``names``, still in English ("publish all:1 as statement 25" -> "publish Common ground 1 as
    statement 25"); a sentence without a key ``names`` knows stays as it is, byte for byte."""
    got = read_said(text)
    if got is None:
        return text
    mid, n, fields = got
    named = {k: names(v) for k, v in fields.items() if k in KEY_FIELDS}
    if not any(named.values()):
        return text
    return Texts(DEFAULT_LANGUAGE)(mid, n=n, **{k: named.get(k) or v for k, v in fields.items()})


def retell_list(text: str, lang: str | None) -> str:
    """Sentences of :func:`said` joined by "; " (a statement's moderation reasons: "contains personal
    data (e-mail address); redacted; instruction-like text: …"; an error's problem) in ``lang``: read
    whole, else each part, by the :data:`PROBLEMS` texts only; a language named in one ("German word
    list") named in ``lang``. What no such text reads stays as it is."""
    w = Texts(lang)
    if w.lang == DEFAULT_LANGUAGE or not text:
        return text

    def names(v: str) -> str | None:
        return w(LANGUAGE_NAMES + v) if LANGUAGE_NAMES + v in w else None

    return _retell_field(text, w, names, PROBLEMS, own_list=False)


#: The ``said`` table of a draft's notes (graphs.nodes): sentences joined by a space.
DRAFT_NOTES = (f"{SAID}.draft_note.",)


def notes_in(notes: str, lang: str | None) -> str:
    """A draft's notes (``said.draft_note`` sentences joined by a space, as graphs.nodes writes them,
    older runs' English notes too) in ``lang``: cut where a sentence may end (after "." or ";", before
    a capital: "… the extractive draft is used Removed 1 …") so
    that every part reads back as a note, each part said in ``lang``; notes no such cut reads stay
    as they are."""
    if Texts(lang).lang == DEFAULT_LANGUAGE or not notes:
        return notes
    ends = [0] + [m.end() for m in re.finditer(r"[.;] | (?=[A-Z])", notes)] + [len(notes) + 1]
    cut: dict[int, list[str]] = {0: []}  # a way to read the notes up to each end, as its parts
    for j, end in enumerate(ends[1:], 1):
        for start in reversed(ends[:j]):  # the shortest last part: a note's field may hold a "." too
            part = notes[start:end - 1]
            if start in cut and end not in cut and read_said(part, within=DRAFT_NOTES):
                cut[end] = cut[start] + [part]
    parts = cut.get(len(notes) + 1)
    return " ".join(retell(p, lang) for p in parts) if parts else retell(notes, lang)


def _retell_field(value: str, w: Texts, names: Callable[[str], str | None],
                  within: tuple[str, ...] = ALL_SAID, own_list: bool = True) -> str:
    """A field of a ``said`` sentence in ``w``'s language: a name, a number, a ``said`` text, a
    list of those, or (none of them) as it is. ``own_list``: a list's " and " is the program's own
    (a field's "groups A and B") and said in the language though no item changes; False for text
    that may be anyone's (:func:`retell_list`), whose separators change only with its items."""
    if re.fullmatch(_NUMBER, value):
        return number_in(w.lang, value)
    if _PERCENT.fullmatch(value):
        return percent_in(w.lang, value[:-1])
    english = Texts(DEFAULT_LANGUAGE)("number.words").split()
    if value in english:
        return w("number.words").split()[english.index(value)]
    named = _named(value, w, names, within)
    if named is not None:
        return named
    seps = {"; ": "; ", ", ": ", ", " and ": w("report.and")}
    for separators in _LISTS:
        parts = separators.split(value)
        if len(parts) > 1:
            items, between = parts[0::2], parts[1::2]
            out, i, changed = [], 0, False
            while i < len(items):
                # the longest run of items that is one name: a name may hold a separator itself (a
                # topic's label naming its languages, "the topic “parking (English, German)”")
                for j in range(len(items) - 1, i, -1):
                    named = _named(items[i] + "".join(between[k] + items[k + 1] for k in range(i, j)), w, names, within)
                    if named is not None:
                        break
                else:
                    j, named = i, _retell_field(items[i], w, names, within, own_list)
                sep = [seps[between[j]]] if j < len(between) else []
                changed |= named != items[i] or j > i or (own_list and sep != between[j:j + 1])
                out += [named] + sep
                i = j + 1
            return "".join(out) if changed else value
    return value


def _named(value: str, w: Texts, names: Callable[[str], str | None], within: tuple[str, ...] = ALL_SAID) -> str | None:
    """``value`` said in ``w``'s language when it is a name ``names`` knows or a ``said`` text (its
    first letter in either case); None otherwise."""
    lower = value[:1].lower() + value[1:]
    for v, upper in ((value, False), (lower, True)) if lower != value else ((value, False),):
        named = names(v)
        if named is None and read_said(v, within=within) is not None:
            named = retell(v, w.lang, names, within)
        if named is not None:
            return named[:1].upper() + named[1:] if upper else named
    return None
