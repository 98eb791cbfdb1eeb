"""The shape of the LLM drafter's answer, and reading it back.

The model must answer ``{"sentences": [{"text": str, "citations": [str]}]}``; :func:`draft_schema`
is that schema for one request (only its statement ids, its number of sentences).
:func:`parse_draft_output` reads it tolerantly from text: the first ``{"sentences": ...}``
anywhere, code fences, "[12]" inline markers. Unknown citation ids are removed (a sentence left
without any keeps empty citations, and the guard rejects it).
"""

from __future__ import annotations

import json
import re
from typing import Any, Sequence

from pydantic import BaseModel, Field

from deliberation.drafting.config import LLMDraftConfig
from deliberation.grounding import extract_inline_citations, split_sentences
from deliberation.models import DraftSentence

__all__ = ["SentenceOutput", "DraftOutput", "draft_schema", "parse_draft_output", "items_from_payload",
           "clean_item"]


class SentenceOutput(BaseModel):
    text: str
    citations: list[str] = Field(default_factory=list)


class DraftOutput(BaseModel):
    """What the model must answer: ``{"sentences": [{"text": str, "citations": [str]}]}``."""

    sentences: list[SentenceOutput]


def _max_chars(max_sentences: int, config: LLMDraftConfig) -> int:
    """Longest sentence the schema allows: ``max_sentence_chars``, less if ``max_tokens`` could not
    hold that many (about 3 characters a token, 40 tokens of JSON), so the JSON is not cut off."""
    budget = (config.max_tokens - 40) * 3 // max(1, max_sentences)
    return max(60, min(config.max_sentence_chars, budget))


def draft_schema(ids: Sequence[str], max_sentences: int, config: LLMDraftConfig) -> dict[str, Any]:
    """The JSON schema of an answer (:class:`DraftOutput`), limited to this request's ids and sizes."""
    cite_item: dict[str, Any] = {"type": "string"}
    if config.constrain_citations and ids:
        cite_item = {"type": "string", "enum": list(ids)}
    return {
        "title": "Draft",
        "description": "A drafted statement: sentences, each with the ids of the statements it draws on.",
        "type": "object",
        "properties": {
            "sentences": {
                "type": "array",
                "minItems": 1,
                "maxItems": max(1, max_sentences),
                "items": {
                    "type": "object",
                    "properties": {
                        "text": {"type": "string", "minLength": 1, "maxLength": _max_chars(max_sentences, config)},
                        "citations": {"type": "array", "items": cite_item, "minItems": 1,
                                      "maxItems": max(1, min(len(ids) or 1, config.max_citations))},
                    },
                    "required": ["text", "citations"],
                    "additionalProperties": False,
                },
            }
        },
        "required": ["sentences"],
        "additionalProperties": False,
    }


_CITE_PREFIX = re.compile(r"^(?:#|id\s*[:=#]\s*|statement\s+#?)", re.IGNORECASE)


def _norm_id(raw: Any, known: set[str]) -> str | None:
    """The known id that ``raw`` names ("12", 12, "#12", "[12]", "id: 12", "statement 12"), else None."""
    if isinstance(raw, bool) or raw is None:
        return None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw).strip()
    for cand in (text, text.strip("[]() "), _CITE_PREFIX.sub("", text.strip("[]() ")).strip()):
        if cand in known:
            return cand
    return None


def _candidate_payloads(text: str) -> list[Any]:
    """JSON values found in ``text``: the whole text, then every decodable value from each '{' / '['."""
    out: list[Any] = []
    stripped = text.strip()
    fence = re.search(r"```(?:json)?\s*(.*?)```", stripped, re.S)
    for chunk in ([fence.group(1)] if fence else []) + [stripped]:
        try:
            out.append(json.loads(chunk))
        except (ValueError, TypeError):
            pass
    dec = json.JSONDecoder()
    for m in re.finditer(r"[{\[]", text):
        try:
            value, _ = dec.raw_decode(text, m.start())
        except ValueError:
            continue
        out.append(value)
    return out


def _is_statement_echo(d: dict[str, Any]) -> bool:
    """An object of our own statements array repeated back ({"id", "text"}, no citations)."""
    return "id" in d and not any(k in d for k in ("citations", "ids", "sources"))


def items_from_payload(value: Any) -> list[dict[str, Any]] | None:
    """The sentence objects in a decoded answer (``{"sentences": [...]}``, a bare list, a lone
    ``{"text"}``), leaving out echoes of our own statements; None when there are none."""
    if isinstance(value, dict):
        for key in ("sentences", "statement", "draft", "output", "result"):
            if key in value:
                inner = value[key]
                if isinstance(inner, str):
                    return [{"text": inner, "citations": value.get("citations", [])}]
                return items_from_payload(inner)
        if isinstance(value.get("text"), str) and not _is_statement_echo(value):
            return [value]
        return None
    if isinstance(value, list):
        items = [v for v in value if isinstance(v, dict) and isinstance(v.get("text"), str)
                 and not _is_statement_echo(v)]
        return items or None
    return None


def parse_draft_output(text: str, known_ids: Sequence[str]) -> list[DraftSentence] | None:
    """Sentences from a model answer, tolerant of prose around the JSON; None when unparseable.

    Accepts ``{"sentences": [{"text", "citations"}]}`` anywhere in the text (also inside a code
    fence), a bare list of such objects, or prose whose sentences end with "[12]" markers.
    Inline markers inside a sentence's text are moved to its citations. Unknown ids are dropped;
    a sentence left with no valid id keeps empty citations (the guard rejects it).
    """
    known = [str(i) for i in known_ids]
    for value in _candidate_payloads(text):
        items = items_from_payload(value)
        if items is None:
            continue
        sentences = [s for s in (clean_item(it, known) for it in items) if s is not None]
        if sentences:
            return sentences
    return _parse_prose(text, known)


def clean_item(item: dict[str, Any], known: list[str]) -> DraftSentence | None:
    """One answered sentence object as a :class:`DraftSentence` with known citations; None when it
    has no text."""
    text = item.get("text")
    if not isinstance(text, str):
        return None
    raw_cites = item.get("citations", item.get("ids", item.get("sources", [])))
    if isinstance(raw_cites, (str, int)) and not isinstance(raw_cites, bool):
        raw_cites = re.split(r"[,;\s]+", str(raw_cites))
    if not isinstance(raw_cites, list):
        raw_cites = []
    text, inline = extract_inline_citations(" ".join(text.split()), known)
    if not re.search(r"\w", text):
        return None
    known_set = set(known)
    cites: list[str] = []
    for c in [*raw_cites, *inline]:
        cid = _norm_id(c, known_set)
        if cid is not None and cid not in cites:
            cites.append(cid)
    return DraftSentence(text=text, citations=cites)


def _parse_prose(text: str, known: list[str]) -> list[DraftSentence] | None:
    """Prose with inline markers ("We want more buses. [3]"); None unless some sentence cites."""
    known_set = set(known)
    out: list[DraftSentence] = []
    any_cite = False
    for raw in split_sentences(text):
        clean, ids = extract_inline_citations(raw, known)
        if not re.search(r"\w", clean):
            continue
        cites = [i for i in ids if i in known_set]
        any_cite = any_cite or bool(cites)
        out.append(DraftSentence(text=clean, citations=cites))
    return out if any_cite else None
