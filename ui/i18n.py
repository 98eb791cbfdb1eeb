"""The app's own words in the room's language: the participant page, the board/projector and the
moderator console speak English, German, French, Spanish, Traditional Chinese (zh-Hant, Taiwan's words) or
Simplified Chinese (zh-Hans: the Traditional words converted by OpenCC, deliberation.words.CONVERTED).

The words live in data files, one per language (``ui/messages/<lang>.toml``, shipped as package
data): one message id per text, grouped in TOML tables (``[vote] stored = "…"`` is the id
``vote.stored``). A text with a count is a table of two forms, ``one`` and ``other``, picked by
the count ``n`` (:data:`ONE`: French says "0 vote" as it says "1 vote"). Placeholders are
``str.format`` fields; tests/test_i18n.py checks that every language has every id, the same
placeholders and the same forms as English.

The room's language is the moderator's choice (:data:`ROOM_LANGUAGE_SETTING` in the
consultation's settings, in the store, so every app server reads the same); a participant, or the
moderator in the console, may pick another for their browser session (:func:`page_words`); where no
room's language applies, a page speaks the browser's (:func:`browser_language`).
"""

from __future__ import annotations

import json

import streamlit as st

from deliberation.report_text import topic_counts
from deliberation.wording import (
    audience_name,
    audience_words,
    ballot_text_in,
    draft_name,
    first_upper,
    heading_in,
    topic_label,
)
from deliberation.words import (
    DEFAULT_LANGUAGE,
    FORMS,
    LANGUAGES,
    ONE,
    ROOM_LANGUAGE_SETTING,
    Texts,
    document_tag,
    known,
    load,
    message_file,
    placeholders,
)

#: the languages, their forms and the room's setting are deliberation.words' (the report's too)
__all__ = ["DEFAULT_LANGUAGE", "FORMS", "LANGUAGES", "ONE", "ROOM_LANGUAGE_SETTING", "known", "placeholders"]
#: Session-state key of a participant's own choice (this browser session only).
SESSION_LANGUAGE_KEY = "ui-language"
#: Address parameter that carries that choice across a reload (``?lang=de``).
LANGUAGE_PARAM = "lang"
#: Session-state key of the language the moderator console is drawn in this run (its callbacks and
#: fragments read it: :func:`console_words`).
CONSOLE_LANGUAGE_KEY = "mod-lang"


def language_file(lang: str):
    return message_file("ui", lang)


def messages(lang: str) -> dict[str, str | dict]:
    """Message id -> text (or ``{"one": …, "other": …}``) of one language's file."""
    return load("ui", lang)


class Words(Texts):
    """The texts of one language (deliberation.words.Texts of ``ui/messages``): ``w("vote.stored",
    answer=…)``; ``w("progress", n=3, done=1)`` picks the form for ``n``."""

    package = "ui"

    def vote(self, value: int) -> str:
        """The answer's word, as on its button: Agree, Disagree, Pass."""
        return self({1: "answer.agree", -1: "answer.disagree", 0: "answer.pass"}[int(value)])

    def draft(self, sid: str, start: bool = False) -> str:
        """A draft put to the vote by its ballot number, as every page names it: "draft 25", "projet
        25" (deliberation.wording.draft_name, its one home); ``start``: it begins a line ("Projet 25")."""
        name = draft_name(sid, self.lang)
        return first_upper(name) if start else name

    def group(self, letter: str) -> str:
        """An opinion group by its letter: "group A", "Gruppe A" (deliberation.wording's words)."""
        return audience_words(self.lang)["group"].format(letter=letter)


ENGLISH = Words()

#: What joins the headings of the drafts one ballot item stands for (graphs.nodes.publish).
MERGED_HEADINGS = "; "


def draft_heading(words: Words, p: dict) -> str:
    """A draft put to the vote, named in the page's language: "Gemeinsamer Nenner 2", "Was Gruppe A
    fordert", from its audience key (deliberation.wording.heading_in; English keeps the graph's own
    heading; a topic's label is taken from it). A ballot item that stands for several drafts with the same words (graphs'
    publish: its heading joins theirs with "; ") names each of them, as the English heading does."""
    heading, keys = p.get("heading") or "", [p.get("key", ""), *(p.get("also") or [])]
    if words.lang == DEFAULT_LANGUAGE:
        return heading or audience_name(keys[0])
    return MERGED_HEADINGS.join(heading_in(words.lang, k, h) for k, h in headings_by_key(p))


def headings_by_key(p: dict) -> list[tuple[str, str]]:
    """(draft key, its heading) of each draft a ballot item stands for (one heading each when its
    heading joins theirs, else the whole heading for its own key)."""
    heading, keys = p.get("heading") or "", [p.get("key", ""), *(p.get("also") or [])]
    parts = heading.split(MERGED_HEADINGS)
    return list(zip(keys, parts)) if len(keys) > 1 and len(parts) == len(keys) else [(keys[0], heading)]


def draft_caption(words: Words, p: dict) -> str:
    """The line under a draft on the ballot: "Draft 14 · based on statement 5" (one source) or
    "… based on statements 3, 5" (several), as text (the page escapes it)."""
    citations = [str(c) for c in p.get("citations") or ()]
    return words("vote.draft_caption", n=len(citations), draft=words.draft(p["statement_id"], start=True),
                 sources=", ".join(citations))


def ballot_text(words: Words, text: str) -> str:
    """A draft's text as stored for the vote, in the page's language where it says who holds a
    quoted position and in its quote marks (deliberation.wording.ballot_text_in); the quoted words as
    they were written."""
    return ballot_text_in(text, words.lang)


def topic_name(words: Words, label: str) -> str:
    """A topic's label in the page's language (deliberation.wording.topic_label): "Sonstiges",
    "parking · buses (Englisch, Deutsch)"; the label's terms as they are."""
    return topic_label(label, words.lang)


def topic_line(words: Words, t: dict) -> str:
    """Whose a topic's statements are, as the board says it: the report's words
    (deliberation.report_text.topic_counts): "9 Aussagen · 6 Teilnehmende · 2 Startaussagen der
    Moderation" (English: deliberation.wording.topic_sources's sentence)."""
    return topic_counts(t["n_statements"], t["n_authors"], t.get("n_seed", 0), t.get("n_moderator_seeds", 0), words.lang)


def failure_words(words: Words) -> dict:
    """:func:`ui.common.action`'s words for a failure in this language (``failed``, ``unexpected``,
    ``lang``: the error's own message said in it)."""
    if words.lang == DEFAULT_LANGUAGE:
        return {}
    return {"failed": words("doing.failed", what="{what}", reason="{reason}"), "unexpected": words("doing.unexpected"),
            "lang": words.lang}


def room_language(c) -> str:
    """The language the moderator chose for the room (English when none was chosen)."""
    return known((getattr(c, "settings", None) or {}).get(ROOM_LANGUAGE_SETTING))


def chosen_language() -> str | None:
    """The language this browser session chose (``?lang=`` or the page's language menu), or None. An
    address may name it by a longer tag, as an invitation writes it: ``?lang=zh-TW``, ``zh-Hant`` are the
    app's Traditional Chinese, ``zh-CN`` its Simplified (:func:`language_code`)."""
    chosen = language_code(st.query_params.get(LANGUAGE_PARAM) or st.session_state.get(SESSION_LANGUAGE_KEY))
    return chosen if chosen in LANGUAGES else None


#: The subtags of a Chinese BCP 47 tag that ask for Simplified characters: the script (Hans) or a region
#: that writes them (mainland China, Singapore, Malaysia); "zh-Hans-TW" is Simplified, "zh-Hant-CN" not.
SIMPLIFIED_SUBTAGS = {"hans", "cn", "sg", "my"}
#: ... and those that ask for Traditional ones, before any region: the script (Hant).
TRADITIONAL_SUBTAGS = {"hant"}


def language_code(tag: str | None) -> str:
    """The language of a BCP 47 tag as the app's languages are keyed: "de-DE", "de_DE" are "de";
    "zh-CN", "zh-Hans", "zh-SG" are Simplified Chinese ("zh-Hans", :data:`SIMPLIFIED_SUBTAGS`), "zh-TW",
    "zh-Hant", "zh-HK" and a bare "zh" the app's Traditional Chinese ("zh"); "" for none. The one reading
    of a tag: the address's ``?lang=`` (:func:`chosen_language`) and the browser's (:func:`_browser_code`)."""
    parts = (tag or "").replace("_", "-").lower().split("-")
    if parts[0] == "zh" and not TRADITIONAL_SUBTAGS & set(parts) and SIMPLIFIED_SUBTAGS & set(parts):
        return "zh-Hans"
    return parts[0]


def language_param() -> dict[str, str]:
    """``?lang=`` of :func:`chosen_language` for a link to another page of the room (empty without a
    choice), so that the page it opens speaks it too: a reader who chose English in a German room
    and came back after a reload or a server restart (the choice then lives in the address only) got
    the report in German from the participant page's "Read the report" (a hand-run room)."""
    chosen = chosen_language()
    return {LANGUAGE_PARAM: chosen} if chosen else {}


def page_words(c) -> Words:
    """The words of a participant page, board or console: the language this browser session chose
    (``?lang=`` or the page's language menu), else the room's (English for a room that stores none:
    an English question stores none, deliberation.text.languages.room_language_of), else, where
    there is no room (the console's sign-in, a join form), the browser's (:func:`browser_language`)."""
    return Words(chosen_language() or (room_language(c) if c is not None else browser_language()))


#: Key of the (hidden) container of the script that declares a page's language (:func:`declare_language`).
DOCUMENT_LANGUAGE_KEY = "document-language"


def declare_language(w: Words) -> None:
    """The page's language declared on its document, ``<html lang="de">`` ("zh-Hant" for the Traditional
    Chinese words, deliberation.words.document_tag), for screen readers (a German page was read with English
    pronunciation), browser translation and the fonts a browser picks for Chinese: Streamlit's page says
    ``lang="en"`` whatever it shows and has no setting for it, so a script run in the page's own document
    (``st.html(..., unsafe_allow_javascript=True)``, not iframed; the tag is the app's own, never a user's
    text) sets it each time the page's language changes. Its container takes no room on the page."""
    tag = json.dumps(document_tag(w.lang))
    with st.container(key=DOCUMENT_LANGUAGE_KEY):
        st.html(f"<style>.st-key-{DOCUMENT_LANGUAGE_KEY} {{display: none;}}</style>"
                f"<script>document.documentElement.lang = {tag};</script>", unsafe_allow_javascript=True)


def choose_language(lang: str) -> None:
    """This browser session's own language from now on (``?lang=`` too, so a reload keeps it): what a
    page's language menu and :func:`language_offer` set."""
    if lang in LANGUAGES:
        st.session_state[SESSION_LANGUAGE_KEY] = st.query_params[LANGUAGE_PARAM] = lang


def offered_language(w: Words) -> str | None:
    """The browser's language (``navigator.language``: ``st.context.locale``) when the app speaks it,
    the page ``w`` speaks another (the room's) and this session has chosen none; else None."""
    lang = _browser_code()
    return lang if lang in LANGUAGES and lang != w.lang and chosen_language() is None else None


def language_offer(w: Words, key: str, then=None) -> None:
    """A page drawn in the room's language offers the browser's with one click, in the browser's own
    words ("Read this page in English" on a German room's page in an English browser): an English
    phone in a German room read every button in German until it found "Sprache" (a hand-run room,
    tests/test_browser_language.py). The room's language stays the default of the participant page,
    the board and the console alike (the moderator speaks it to the room); ``then``: also called on
    the click (the participant page drops a message written in the language left)."""
    lang = offered_language(w)
    if lang is None:
        return

    def chosen() -> None:
        choose_language(lang)
        if then is not None:
            then()

    st.button(Words(lang)("language_offer"), key=key, icon=":material/translate:", on_click=chosen)


def browser_language() -> str:
    """The browser's preferred language (``navigator.language``, as ``st.context.locale`` gives it:
    "de-DE" is German) when the app speaks it, else English (also when no browser said one: a test's
    AppTest, a client that sends none)."""
    return known(_browser_code())


def _browser_code() -> str:
    """The language code of the browser's preferred language (``navigator.language``, as
    ``st.context.locale`` gives it: "de-DE" and "de_DE" are "de"), whether or not the app speaks it;
    "" when no browser said one. The one reading of the browser's language: :func:`browser_language`
    and :func:`offered_language`."""
    return language_code(st.context.locale)


def words_of(read) -> Words:
    """:func:`page_words` of the consultation ``read()`` returns (None: no consultation). A store that
    cannot be read gives the session's choice or English: the page's own read then says what failed."""
    try:
        c = read()
    except Exception:  # noqa: BLE001 - said by the page, not here
        c = None
    return page_words(c)


def console_words() -> Words:
    """The words of the moderator console: the language its page is drawn in (ui/views/moderator.py
    sets :data:`CONSOLE_LANGUAGE_KEY` from :func:`page_words` at each run); before it is set, the
    session's or the browser's (:func:`drawn_words`)."""
    return drawn_words(CONSOLE_LANGUAGE_KEY)


def drawn_words(key: str) -> Words:
    """The words of the language a page is drawn in, kept under ``key`` of the session; before the
    page has set it (its first run failed before it knew the room: a data directory that cannot be
    read), the language of this session's choice or of the browser (:func:`page_words` of no room),
    not English."""
    lang = st.session_state.get(key)
    return Words(lang) if lang in LANGUAGES else page_words(None)


def term(words: Words, key: str) -> str:
    """A term of the method ("jr", "ejr", "gic", "schulze") explained in the page's language: the
    report's words (deliberation/messages' ``[terms]``, deliberation.wording.TERMS in English)."""
    return Texts(words.lang)(f"terms.{key}")


def step_words(w: Words, steps) -> str:
    """A run's steps (graph nodes) in words as a sentence says them, joined: "drafting statements,
    checking ..." (the console's language; deliberation/messages' ``[step]``, which the command line
    says in English through graphs.runner.STEP_WORDS). An unknown step: its name."""
    said = Texts(w.lang)
    return ", ".join(said(f"step.{n}") if f"step.{n}" in said else n for n in steps)


def where_stopped(w: Words, done: list[str]) -> str:
    """Where a run stopped, from the steps it completed: "after drafting statements" (as
    graphs.runner.where_stopped, in the console's language)."""
    return w("run.after_step", step=step_words(w, done[-1:])) if done else w("run.in_first_step")
