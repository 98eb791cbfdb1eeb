"""Plain words for readers: the one place that names audiences, draft headings and the terms of
the method.

Audience keys (as in ``Draft.speaks_for`` and the graph's draft keys):

* ``"all"`` — everyone; ``"all:<i>"`` — the i-th item of the common-ground slate (each item is its
  own ballot item, but speaks for everyone like ``"all"``);
* ``"group:<n>"`` — opinion group n, named by a letter for readers (group 0 is "group A");
* ``"topic:<n>"`` — topic n (named by its label when one is given).

The moderator console, the participant page, the live board and the report all call
:func:`audience_name` and :func:`draft_heading`; nothing else turns a key into words.
"""

from __future__ import annotations

import string

#: What each term of the method means, in one sentence, for readers who meet it in the report or
#: the moderator console. Participants' pages show none of these terms.
TERMS: dict[str, str] = {
    "jr": ("Justified representation (JR): any set of participants large enough to deserve a draft of "
           "their own (the number of participants divided by the number of drafts) who all agree with the "
           "same statement gets at least one draft that one of them agrees with."),
    "ejr": ("Extended justified representation (EJR) is the stricter form: a set of participants large "
            "enough to deserve several drafts, who agree on several statements, gets that many drafts they "
            "agree with."),
    "gic": ("Agreement across groups (group-informed consensus): each opinion group's share of agree votes, "
            "multiplied together, so a draft scores high only when every group agrees with it."),
    "schulze": ("Preference order (the Schulze method): each participant's votes are read as a ranking "
                "(agree above pass above disagree) and drafts are ordered by which one more participants "
                "prefer in every pairwise comparison; drafts in one place are tied."),
}


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


def group_label(n: int | str) -> str:
    """Opinion group number -> "group A"."""
    return f"group {group_letter(n)}"


def audience_of(key: str) -> str:
    """The audience a draft key speaks for: "all:2" -> "all"; other keys are audiences already."""
    key = str(key)
    return "all" if key == "all" or key.startswith("all:") else key


def slate_item(key: str) -> int | None:
    """The position of a common-ground slate item ("all:2" -> 2); None for any other key."""
    key = str(key)
    if key.startswith("all:") and key[4:].isdigit():
        return int(key[4:])
    return None


def audience_name(key: str, topics: dict | None = None) -> str:
    """An audience key in words: "everyone", "group A", "the topic “parking · shops”" or "topic 3".

    ``topics``: topic id (int or str) -> label, to name a topic by its label.
    """
    key = audience_of(key)
    if key == "all":
        return "everyone"
    family, _, n = key.partition(":")
    if family == "group":
        return group_label(n)
    if family == "topic":
        label = (topics or {}).get(n) or (topics or {}).get(int(n) if n.isdigit() else n)
        return f"the topic “{label}”" if label else f"topic {n}"
    return key


def draft_heading(key: str, *, split: bool = False, topics: dict | None = None) -> str:
    """What a draft is, in words: "Common ground", "What group A asks for", "Where opinions split on
    …" (a topic whose statements divide the groups) or "What people said about …"."""
    audience = audience_of(key)
    if audience == "all":
        item = slate_item(key)
        return "Common ground" + (f" {item}" if item else "")
    family = audience.partition(":")[0]
    if family == "group":
        return f"What {audience_name(audience)} asks for"
    if family == "topic":
        where = audience_name(audience, topics)
        return f"Where opinions split on {where}" if split else f"What people said about {where}"
    return audience_name(audience, topics)


def _groups_phrase(side: list[tuple[int, int, int]], verb: str) -> str:
    names = [group_letter(g) for g, _, _ in side]
    who = ("group " + names[0]) if len(names) == 1 else ("groups " + ", ".join(names[:-1]) + " and " + names[-1])
    k, n = sum(x[1] for x in side), sum(x[2] for x in side)
    return f"most of {who} {verb} ({k} of {n} who voted)"


def position_phrase(agree: list[tuple[int, int, int]], disagree: list[tuple[int, int, int]] = ()) -> str:
    """Who holds a position, from the groups' votes: [(group, votes that way, votes)] for the groups
    a majority of which agree, and for those a majority of which disagree ->
    "Most of group A agree (3 of 3 who voted); most of group B disagree (3 of 3 who voted)"."""
    parts = ([_groups_phrase(list(agree), "agree")] if agree else []) + \
            ([_groups_phrase(list(disagree), "disagree")] if disagree else [])
    text = "; ".join(parts)
    return text[:1].upper() + text[1:]


def sentence_text(sentence: dict) -> str:
    """A draft sentence as readers see it: with who holds it ("Most of group A agree (…): “…”") when
    the draft sets positions side by side, else the sentence itself."""
    text = str(sentence.get("text", ""))
    who = sentence.get("held_by") or ""
    return f"{who}: “{text}”" if who else text


def draft_text(sentences: list[dict]) -> str:
    """A draft's whole text as readers see it (and participants vote on it)."""
    return " ".join(sentence_text(s) for s in sentences)


def plain_text(sentences: list[dict]) -> str:
    """A draft's sentences without who holds them: what a moderator edits and the guard checks."""
    return " ".join(str(s.get("text", "")) for s in sentences)
