"""Instruction-like text (prompt injection): the project's one detector.

Participants' statements are data, never instructions; a statement written to steer the drafting
model is found here, wherever the project must tell one from a participant's view:

* :func:`flag_instructions`: the reasons in words why a text reads as instructions aimed at the
  model (the patterns are in :mod:`.instruction_patterns`), also through simple obfuscation
  ("I.g.n.o.r.e", "1gn0r3"). Intake moderation sends such statements to the moderator queue.
* :func:`instruction_reasons`: the same, also through obfuscation a model reads through but a
  pattern does not (homoglyphs, fullwidth letters, zero-width characters, bidi overrides, rot13);
  used by the faithfulness guard and the LLM drafter.
* :func:`injection_start`: where a chat-role tag or prompt delimiter begins, so the guard can leave
  everything from there out of what a statement claims;
* :func:`strip_special_tokens`: a model's answer without chat-template special tokens.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from deliberation.safety.instruction_patterns import INSTRUCTION_PATTERNS
from deliberation.safety.lexicon import fill
from deliberation.words import said

__all__ = ["flag_instructions", "instruction_reasons", "injection_start", "strip_special_tokens"]

_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})
#: a number with an ending ("3rd", "50km") or a short code ("a4", "m25"): left as it is
_NOT_LEET = re.compile(fill(r"\d+{number_suffixes}|[a-z]{1,2}\d+", "en"), re.I)


def _deobfuscate(text: str) -> str:
    """Undo simple obfuscation: "I.g.n.o.r.e" -> "Ignore", "1gn0r3" -> "ignore"."""

    text = re.sub(r"\b(?:[A-Za-z][.\-_*]){3,}[A-Za-z]\b", lambda m: re.sub(r"[.\-_*]", "", m.group(0)), text)
    return re.sub(
        r"\b(?=[\w@$]*[A-Za-z])(?=[\w@$]*[0-9@$])[\w@$]{3,}\b",
        lambda m: m.group(0)
        if _NOT_LEET.fullmatch(m.group(0))
        else m.group(0).translate(_LEET),
        text,
    )


def flag_instructions(text: str) -> list[str]:
    """Reasons why ``text`` looks like instructions aimed at the drafting model.

    Returns an empty list for ordinary statements.  Detects requests to
    ignore or reveal instructions, new-role phrases ("you are now"), mentions
    of the system prompt, chat role tags ("SYSTEM:", "<|im_start|>", "[INST]",
    "### Instruction"), prompt delimiters and fake closing tags
    ("</statements>", code fences, "---- END"), attempts to dictate the
    outcome ("write that everyone agrees", "make the summary say"), to change
    the task or the citation rules, fake JSON / chat structures, encoded
    payloads, and simple obfuscation ("I.g.n.o.r.e", "1gn0r3"); in English and
    German, with the commonest Spanish and Chinese phrasings.
    """

    reasons: list[str] = []
    seen: set[str] = set()  # one reason per matched phrase: two patterns on the same words read as two problems
    plain = _deobfuscate(text)
    for reason, pattern in INSTRUCTION_PATTERNS:
        m = pattern.search(text) or (pattern.search(plain) if plain != text else None)
        if m and m.group(0).strip().casefold() not in seen:
            seen.add(m.group(0).strip().casefold())
            snippet = m.group(0).strip()
            if len(snippet) > 40:
                snippet = snippet[:37] + "..."
            reasons.append(said("held.found", instruction=reason, quoted=f"'{snippet}'"))
    return reasons


#: where the instruction part of a statement begins: a chat-role tag or a prompt delimiter
_INJECTION_START = re.compile(
    fill(
        r"(?:^|(?<=\n)|(?<=[.!?;]\s)|(?<=[.!?;]\s\s))(?-i:{chat_roles})\s*:"
        r"|<\|[^|>]{1,30}\|>|\[/?\s*(?:INST|SYS|SYSTEM)\s*\]|<</?SYS>>|</\s*[A-Za-z_][\w-]*\s*>|```"
        r"|(?:-{3,}|={3,}|#{3,})\s*{delimiters.starts_after_rule}",
        "en",
    ),
    re.I,
)


#: Cyrillic and Greek letters that look like Latin ones (homoglyph obfuscation of instructions)
_CONFUSABLES = str.maketrans(
    "АВЕКМНОРСТХІЈЅаеорсухіјѕԁɡΑΒΕΖΗΙΚΜΝΟΡΤΥΧον",
    "ABEKMHOPCTXIJSaeopcyxijsdgABEZHIKMNOPTYXov",
)
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_ROT13 = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
                       "NOPQRSTUVWXYZABCDEFGHIJKLMnopqrstuvwxyzabcdefghijklm")


#: how many texts' :func:`instruction_reasons` a process remembers: the guard asks about every
#: sentence of a statement each time a draft, or a pair of sources in the opposite check, cites it
TEXTS_REMEMBERED = 16_384


def instruction_reasons(text: str) -> list[str]:
    """:func:`flag_instructions` on ``text`` and on its de-obfuscated forms.

    Obfuscation a model reads through but a pattern does not: fullwidth letters (NFKC), zero-width
    characters and soft hyphens (removed), bidi overrides (a break), Cyrillic / Greek homoglyphs
    (folded to Latin) and rot13. Used wherever the guard or the LLM drafter must tell an
    instruction to the model from a participant's view. The answer depends on the text alone and
    is remembered (:data:`TEXTS_REMEMBERED`).
    """
    return list(_instruction_reasons(text))


@functools.lru_cache(maxsize=TEXTS_REMEMBERED)
def _instruction_reasons(text: str) -> tuple[str, ...]:
    reasons = flag_instructions(text)
    if reasons:
        return tuple(reasons)
    plain = _BIDI.sub("\n", unicodedata.normalize("NFKC", text))
    plain = "".join(ch for ch in plain if unicodedata.category(ch) != "Cf").translate(_CONFUSABLES)
    for form in (plain, plain.translate(_ROT13)):
        if form != text:
            reasons = flag_instructions(form)
            if reasons:
                return tuple(said("held.obfuscated", found=r) for r in reasons)
    return ()


def injection_start(text: str) -> int | None:
    """Index of the first chat-role tag or prompt delimiter in ``text`` ("SYSTEM:", "<|...|>",
    "[INST]", "</statements>", code fences, "--- end"), None when there is none."""
    m = _INJECTION_START.search(text)
    return m.start() if m else None


#: a chat-template special token ("<|im_start|>", "<|eot_id|>")
_SPECIAL_TOKEN = re.compile(r"<\|[^|<>]{0,40}\|>")


def strip_special_tokens(text: str) -> str:
    """``text`` with every chat-template special token replaced by a space."""
    return _SPECIAL_TOKEN.sub(" ", text)
