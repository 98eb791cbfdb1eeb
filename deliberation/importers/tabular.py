"""Import statements (and optional votes) from CSV or JSON Lines.

Statements, CSV (separated by commas, or by ';' or tabs as Excel writes them; .tsv: tabs;
UTF-8, or UTF-16 with its byte-order mark): a header with ``text`` (required) and optionally ``id``, ``author``,
``language``, ``timestamp`` (ms since 1970 or ISO 8601), ``moderated`` (1 / 0 / -1).
Statements, JSON Lines: one object per line with the same keys (a .json file may instead hold
one list of such objects); an object may also carry
``"votes": {"<participant>": "agree" | "disagree" | "pass" | 1 | -1 | 0, ...}``.
Votes, CSV: ``participant,statement,vote`` and optionally ``timestamp``; rows in time order
(a later row for the same pair replaces the earlier vote, which stays in the history).
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from deliberation.errors import PREVIEW_CHARS, InputError
from deliberation.importers import base
from deliberation.models import MAX_ID_CHARS, ModerationStatus, Statement
from deliberation.votematrix import _sorted_ids
from deliberation.words import said

if TYPE_CHECKING:
    import pandas as pd


def _id(value: object, what: str, path: Path, row: int) -> str:
    """``value`` as an id; ``what`` it names: "statement", "author" or "participant" (``said.input.id``)."""
    kind = said(f"input.id.{what}")
    if isinstance(value, bool) or value is None or isinstance(value, (list, dict, float)):
        raise InputError(said("input.bad_id", id_kind=kind, value=repr(value)), path, row)
    v = str(value).strip()
    if not v:
        raise InputError(said("input.empty_id", id_kind=kind), path, row)
    if len(v) > MAX_ID_CHARS or any(ch in v for ch in "\x00\n\r"):
        raise InputError(said("input.long_id", id_kind=kind, quoted=repr(v[:PREVIEW_CHARS])), path, row)
    return v


def _time(value: object, path: Path, row: int) -> datetime:
    if value in (None, ""):
        return datetime.now(timezone.utc)
    try:
        return datetime.fromtimestamp(float(value) / 1000, tz=timezone.utc)
    except (TypeError, ValueError, OverflowError, OSError):
        pass
    try:
        dt = datetime.fromisoformat(str(value).strip())
        return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)
    except ValueError:
        raise InputError(said("input.bad_time", quoted=repr(str(value)[:30])), path, row) from None


def _moderation(value: object, path: Path, row: int) -> ModerationStatus:
    if value in (None, ""):
        return ModerationStatus.UNMODERATED
    try:
        return ModerationStatus.from_polis(int(str(value).strip()))
    except (ValueError, KeyError):
        raise InputError(said("input.bad_moderated", value=repr(value)), path, row) from None


def _statement(rec: dict, path: Path, row: int, default_id: str, language: str) -> Statement:
    if "text" not in rec:
        raise InputError(said("input.no_text"), path, row)
    if not isinstance(rec["text"], str):
        raise InputError(said("input.text_not_string"), path, row)
    text = base.checked_text(rec["text"], path, row)
    sid = _id(rec.get("id") if rec.get("id") not in (None, "") else default_id, "statement", path, row)
    author = rec.get("author")
    author = _id(author, "author", path, row) if author not in (None, "") else None
    created = _time(rec.get("timestamp"), path, row)
    lang = str(rec.get("language") or language).strip() or "und"
    return Statement(external_id=sid, text=text, author=author, language=lang,
                     moderation=_moderation(rec.get("moderated"), path, row), created_at=created, updated_at=created)


def _json_records(text: str, path: Path):
    """(row, parsed object) per line of JSON Lines; a whole file holding one JSON list (a .json
    export) gives its items, numbered from 1 (it was refused as "row 1: not valid JSON")."""
    if path.suffix.lower() == ".json" and text.lstrip().startswith("["):
        try:
            whole = json.loads(text)
        except json.JSONDecodeError as e:
            raise InputError(said("input.not_json_list", error=e.msg, n_line=e.lineno, n_column=e.colno), path) from None
        yield from enumerate(whole, start=1)
        return
    for row, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield row, json.loads(line)
        except json.JSONDecodeError as e:
            raise InputError(said("input.not_json", error=e.msg, n_column=e.colno), path, row) from None


def read_statements_file(path: str | Path, *, votes_path: str | Path | None = None,
                         question: str = "", language: str = "und") -> base.ImportBundle:
    """Read a .csv or .jsonl statements file (and an optional votes CSV) into an ImportBundle."""
    import pandas as pd  # lazy: pandas takes ~0.2-0.3 s and ~60 MB to import

    path = Path(path)
    suffix = path.suffix.lower()
    statements: list[Statement] = []
    where: list[int] = []  # each statement's row (CSV, header = 1) or line (JSON Lines)
    given = 0  # rows with their own statement id (none: the ids are numbered here, see ImportBundle.numbered)
    notes: list[str] = []
    inline_votes: list[tuple[int, str, str, object]] = []  # (row, participant, statement, value)
    if suffix in (".jsonl", ".ndjson", ".json"):
        for row, rec in _json_records(base.read_text(path), path):
            if not isinstance(rec, dict):
                raise InputError(said("input.not_object"), path, row)
            st = _statement(rec, path, row, str(len(statements)), language)
            statements.append(st)
            where.append(row)
            given += rec.get("id") not in (None, "")
            votes = rec.get("votes") or {}
            if not isinstance(votes, dict):
                raise InputError(said("input.votes_not_object"), path, row)
            for p, v in votes.items():
                inline_votes.append((row, _id(p, "participant", path, row), st.external_id, v))
    elif suffix in (".csv", ".tsv", ".txt"):
        _, rows = base.read_csv_rows(path, ["text"], notes)
        for row, rec in rows:
            statements.append(_statement(rec, path, row, str(len(statements)), language))
            where.append(row)
            given += rec.get("id") not in (None, "")
    elif path.is_dir():
        raise InputError(said("input.folder_statements"), path)
    else:
        raise InputError(said("input.unknown_type", suffix=suffix or "(none)"), path)
    if not statements:
        raise InputError(said("input.no_statements"), path)
    seen: dict[str, int] = {}
    for st, row in zip(statements, where):
        if st.external_id in seen:
            raise InputError(said("input.duplicate_id", quoted=repr(st.external_id), n_row=seen[st.external_id]),
                             path, row)
        seen[st.external_id] = row
    ids = set(seen)
    frames = []
    if inline_votes:
        rows_arr = np.array([r for r, *_ in inline_votes])
        df = pd.DataFrame({"participant": [p for _, p, _, _ in inline_votes],
                           "statement": [s for _, _, s, _ in inline_votes]})
        df["vote"] = base.parse_vote_series(pd.Series([v for *_, v in inline_votes], dtype=object), path, rows_arr)
        df["timestamp"] = np.nan
        frames.append(df)
    if votes_path is not None:
        frames.append(read_votes_file(Path(votes_path), ids, notes))
    votes = pd.concat(frames, ignore_index=True) if frames else base.empty_votes()
    authors = {st.author for st in statements if st.author}
    return base.ImportBundle(source=str(path), statements=statements, votes=votes, question=question,
                        language=language,
                        participants=_sorted_ids(authors | set(votes["participant"].unique())), notes=notes,
                        numbered=not given)


def read_votes_file(path: Path, statement_ids: set[str], notes: list[str] | None = None) -> pd.DataFrame:
    import pandas as pd  # lazy: pandas takes ~0.2-0.3 s and ~60 MB to import

    header, rows = base.read_csv_rows(path, ["participant", "statement", "vote"], notes)
    if not rows:
        return base.empty_votes()
    row_numbers = np.array([r for r, _ in rows])
    df = pd.DataFrame({
        "participant": [_id(rec["participant"], "participant", path, r) for r, rec in rows],
        "statement": [_id(rec["statement"], "statement", path, r) for r, rec in rows],
    })
    df["vote"] = base.parse_vote_series(pd.Series([rec["vote"] for _, rec in rows]), path, row_numbers)
    if "timestamp" in header:
        df["timestamp"] = [float(_time(rec["timestamp"], path, r).timestamp() * 1000) if rec["timestamp"].strip() else np.nan
                           for r, rec in rows]
    else:
        df["timestamp"] = np.nan
    base.check_votes_refer(df, statement_ids, path, row_numbers)
    return df
