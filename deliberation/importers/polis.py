"""Read and write Polis export folders.

Format (see the Polis openData exports): ``comments.csv`` (one row per statement), ``votes.csv``
(one row per vote event; a changed vote appears twice and the latest timestamp wins) or, when
``votes.csv`` is absent, ``participants-votes.csv`` (one row per participant, one column per
comment id, cells 1 agree / -1 disagree / 0 pass / empty), and ``summary.csv`` (key-value rows).

What Polis kept is imported; rows Polis kept that cannot be used do not refuse the export
(real exports hold them): a moderated-out comment with an empty or unusable body is kept as
moderated out under :data:`UNUSABLE_TEXT`, votes on comment ids missing from comments.csv and
participant rows without a vote are skipped, and a missing or header-only votes file imports
the statements without those votes. Each kind is counted in one plain line in
``ImportBundle.notes``. Malformed files (not CSV, missing columns, not UTF-8, bad values) are
still refused whole with an :class:`InputError` naming the file and row.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import tempfile
import zipfile
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from deliberation.errors import PREVIEW_CHARS, InputError
from deliberation.importers import base
from deliberation.models import UNUSABLE_TEXT, ModerationStatus, Statement
from deliberation.votematrix import VoteMatrix, _sorted_ids
from deliberation.words import said

if TYPE_CHECKING:
    import pandas as pd

COMMENTS_COLUMNS = ["timestamp", "datetime", "comment-id", "author-id", "agrees", "disagrees",
                    "moderated", "comment-body"]
VOTES_COLUMNS = ["timestamp", "datetime", "comment-id", "voter-id", "vote"]
PV_FIXED = ["participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree"]




def _int_id(value: str, what: str, path: Path, row: int) -> str:
    """An integer id; "12.0" counts as 12, as in the vote files (pandas writes an id column
    with empty cells, such as author-id, as floats)."""
    v = value.strip()
    try:
        return str(int(v))
    except ValueError:
        try:
            f = float(v)
            if f.is_integer():
                return str(int(f))
        except (ValueError, OverflowError):
            pass
        raise InputError(said("input.not_integer_id", column_name=what, quoted=repr(v[:PREVIEW_CHARS])), path, row) from None


#: How many ids a note on skipped rows names (then "...").
NOTE_IDS = 5


def _first_ids(ids: list[str]) -> str:
    """The first few ids a note names: "2, 3" or "1, 2, 3, 4, 5, ..."."""
    return ", ".join(ids[:NOTE_IDS]) + (", ..." if len(ids) > NOTE_IDS else "")


def read_summary(folder: Path) -> dict[str, str]:
    path = folder / "summary.csv"
    if not path.exists():
        return {}
    text = base.read_text(path)
    out: dict[str, str] = {}
    try:
        for fields in csv.reader(io.StringIO(text, newline=""), strict=True):
            if len(fields) >= 2:
                out[fields[0].strip()] = _csv_unsafe(fields[1])
    except csv.Error as e:
        raise InputError(said("input.malformed", error=e), path) from None
    return out


def read_comments(path: Path, notes: list[str] | None = None) -> list[Statement]:
    """Statements of comments.csv. A moderated-out comment whose body fails the text checks
    (empty, over-long) is kept as moderated out under :data:`UNUSABLE_TEXT`, marked as having no
    text (:attr:`Statement.has_text`), and counted in ``notes``; the same body on a comment Polis did not moderate out refuses the file."""
    _, rows = base.read_csv_rows(path, ["comment-id", "comment-body"], notes)
    statements: list[Statement] = []
    seen: dict[str, int] = {}
    unusable: list[str] = []
    for row_no, row in rows:
        cid = _int_id(row["comment-id"], "comment-id", path, row_no)
        if cid in seen:
            raise InputError(said("input.duplicate_comment", value=cid, n_row=seen[cid]), path, row_no)
        seen[cid] = row_no
        author = row.get("author-id", "").strip() or None
        if author is not None:
            author = _int_id(author, "author-id", path, row_no)
        mod_raw = row.get("moderated", "0").strip() or "0"
        try:
            moderation = ModerationStatus.from_polis(int(mod_raw))
        except (ValueError, KeyError):
            raise InputError(said("input.bad_moderated", value=repr(mod_raw)), path, row_no) from None
        try:
            text = base.checked_text(_csv_unsafe(row["comment-body"]), path, row_no)
        except InputError:
            if moderation is not ModerationStatus.REJECTED:
                raise
            text = None
            unusable.append(cid)
        created = _timestamp(row.get("timestamp", ""), path, row_no)
        statements.append(
            Statement(
                external_id=cid,
                text=UNUSABLE_TEXT if text is None else text,
                has_text=text is not None,
                author=author,
                moderation=moderation,
                moderation_reason=("" if moderation is not ModerationStatus.REJECTED else
                                   said("held.polis_out") + ("; " + said("held.polis_unusable")
                                                             if text is None else "")),
                created_at=created,
                updated_at=created,
            )
        )
    if not statements:
        raise InputError(said("input.no_statements"), path)
    if unusable and notes is not None:
        notes.append(said("input.unusable_note", file=path.name, comments=said("input.count.comment", len(unusable)),
                          comment_ids=_first_ids(unusable), quoted=repr(UNUSABLE_TEXT)))
    statements.sort(key=lambda s: int(s.external_id))
    return statements


def _timestamp(raw: str, path: Path, row: int) -> datetime:
    raw = (raw or "").strip()
    if not raw:
        return datetime.now(timezone.utc)
    try:
        return datetime.fromtimestamp(int(float(raw)) / 1000, tz=timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise InputError(said("input.polis_time", quoted=repr(raw[:30])), path, row) from None


def _short_row(text: str, sep: str) -> tuple[int, int, int] | None:
    """(row, its fields, the header's fields) of the first row with fewer fields than the header,
    or None. pandas fills a short row with empty cells: a damaged participants-votes.csv row lost
    its votes without a word. (One pass over the lines: a file with one row per participant.)"""
    lines = text.splitlines()
    want = len(next(csv.reader(lines[:1], delimiter=sep), []))
    for row, line in enumerate(lines[1:], start=2):
        have = line.count(sep) + 1 if '"' not in line else len(next(csv.reader([line], delimiter=sep)))
        if line and have < want:
            return row, have, want
    return None


def _read_frame(path: Path, required: list[str], notes: list[str] | None = None, *,
                whole_rows: bool = False) -> pd.DataFrame:
    """A large CSV as text columns (pandas, fast); errors name the file. Separated by ',', or by
    ';' or tabs when the header says so; a last line without a line break is named in ``notes``;
    ``whole_rows``: a row with fewer fields than the header is refused (:func:`_short_row`)."""
    import pandas as pd  # lazy: pandas takes ~0.2-0.3 s and ~60 MB to import

    # checked as UTF-8 text by read_text, parsed from bytes: io.StringIO holds 4 bytes per
    # character, ~550 MB for a 136 MB votes.csv of 5 million votes
    text = base.read_text(path)
    sep = base.csv_delimiter(text, required, path)
    short = _short_row(text, sep) if whole_rows else None
    if short:
        raise InputError(said("input.short_row", n_fields=short[1], n_header=short[2]), path, short[0])
    note = base.cut_short_note(text, path, rows=text.count("\n"))
    if note:
        header, last = text.split("\n", 1)[0], text.rstrip("\r\n").rsplit("\n", 1)[-1]
        have, want = (len(next(csv.reader([line], delimiter=sep))) for line in (last, header))
        if have < want:  # pandas would fill the missing fields with empty text
            raise InputError(said("input.last_row_short", n_fields=have, n_header=want), path, text.count("\n") + 1)
        if notes is not None:
            notes.append(note)
    data = text.encode("utf-8")
    del text
    try:
        df = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, on_bad_lines="error",
                         encoding="utf-8", sep=sep, skip_blank_lines=False)
    except (pd.errors.ParserError, csv.Error) as e:
        extra = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(e))
        if extra:  # pandas counts lines as we count rows (header = 1)
            want, row, have = map(int, extra.groups())
            raise InputError(said("input.field_count", n_fields=have, n_header=want), path, row) from None
        raise InputError(said("input.malformed", error=str(e).strip()), path) from None
    except pd.errors.EmptyDataError:
        raise InputError(said("input.empty"), path) from None
    if not isinstance(df.index, pd.RangeIndex):  # every row had a field more than the header: pandas
        width = len(df.columns)                  # took the first one for an index instead of refusing
        raise InputError(said("input.field_count", n_fields=width + 1, n_header=width), path, 2)
    df.columns = [base.column_name(c) for c in df.columns]
    base.check_columns(list(df.columns), required, path)
    return _without_blank_rows(df, required[0])


def _without_blank_rows(df: pd.DataFrame, first: str) -> pd.DataFrame:
    """``df`` without its rows of empty cells (blank lines, Excel's cleared rows ``,,,,``:
    :func:`base.blank_row`); the index keeps each row's place, so row numbers in errors are the
    file's (:func:`_row_numbers`). Only rows empty in the first required column are looked at."""
    empty = np.flatnonzero(df[first].to_numpy() == "")
    if not len(empty):
        return df
    cells = df.iloc[empty].apply(lambda col: col.str.strip() == "")
    return df.drop(index=df.index[empty[cells.all(axis=1).to_numpy()]])


def _row_numbers(df: pd.DataFrame) -> np.ndarray:
    """Each row's number in its file (the header is row 1) from :func:`_read_frame`'s index."""
    return df.index.to_numpy() + 2


def read_votes_csv(path: Path, statement_ids: set[str], notes: list[str] | None = None) -> pd.DataFrame:
    """Vote events from votes.csv, in time order (stable for equal timestamps); votes on comment
    ids that comments.csv does not hold are skipped and counted in ``notes``."""
    import pandas as pd  # lazy: pandas takes ~0.2-0.3 s and ~60 MB to import

    df = _read_frame(path, ["comment-id", "voter-id", "vote"], notes)
    row_numbers = _row_numbers(df)
    votes = pd.DataFrame(
        {
            "participant": _int_column(df["voter-id"], "voter-id", path, row_numbers),
            "statement": _int_column(df["comment-id"], "comment-id", path, row_numbers),
            "vote": base.parse_vote_series(df["vote"], path, row_numbers),
        }
    )
    if "timestamp" in df.columns:
        ts = pd.to_numeric(df["timestamp"].str.strip().replace("", np.nan), errors="coerce")
        bad = ts.isna() & (df["timestamp"].str.strip() != "")
        if bad.any():
            i = int(np.argmax(bad.to_numpy()))
            raise InputError(said("input.time_not_number", quoted=repr(df["timestamp"].iloc[i])), path, int(row_numbers[i]))
        votes["timestamp"] = ts.astype("float64").to_numpy()
    else:
        votes["timestamp"] = np.nan
    unknown = ~votes["statement"].isin(statement_ids).to_numpy()
    if unknown.any():
        missing = pd.unique(votes["statement"][unknown])
        if notes is not None:
            notes.append(said("input.unknown_votes_note", file=path.name, votes=said("input.count.vote", int(unknown.sum())),
                              comment_id_count=said("input.count.comment_id", len(missing)),
                              comment_ids=_first_ids([str(m) for m in missing])))
        votes = votes[~unknown].reset_index(drop=True)
        row_numbers = row_numbers[~unknown]
    base.check_votes_refer(votes, statement_ids, path, row_numbers)
    # time order; equal timestamps keep file order
    return votes.sort_values("timestamp", kind="stable", na_position="first").reset_index(drop=True)


def _int_column(col: pd.Series, what: str, path: Path, row_numbers: np.ndarray) -> np.ndarray:
    import pandas as pd  # lazy: pandas takes ~0.2-0.3 s and ~60 MB to import

    stripped = col.str.strip()
    num = pd.to_numeric(stripped, errors="coerce")
    bad = num.isna() | (num != num.round())
    if bad.any():
        i = int(np.argmax(bad.to_numpy()))
        raise InputError(said("input.not_integer_id", column_name=what, quoted=repr(col.iloc[i][:PREVIEW_CHARS])), path,
                         int(row_numbers[i]))
    # one string object per distinct id, shared by its rows: 5 million vote rows held ~280 MB of
    # separate copies per column before
    codes, uniques = pd.factorize(num.astype(np.int64).to_numpy())
    return np.asarray(uniques.astype(str), dtype=object)[codes] if len(codes) else np.array([], dtype=object)


class ParticipantsVotes(NamedTuple):
    """What participants-votes.csv holds."""

    votes: pd.DataFrame
    #: the participants with a vote there
    participants: list[str]
    #: Polis's group id of each participant with one
    groups: dict[str, str]
    #: its participant rows: none when Polis had computed no groups yet (a header and no rows)
    rows: int


def read_participants_votes(path: Path, statement_ids: set[str], notes: list[str] | None = None,
                            ) -> ParticipantsVotes:
    """Final votes from participants-votes.csv; also the participants with a vote there and
    Polis's group ids. Columns of comment ids not in comments.csv and participant rows without
    a vote are skipped and counted in ``notes``; a file with a header and no rows gives no votes
    (the caller says so: :func:`_no_rows_notes`)."""
    import pandas as pd  # lazy: pandas takes ~0.2-0.3 s and ~60 MB to import

    df = _read_frame(path, ["participant"], notes, whole_rows=True)
    row_numbers = _row_numbers(df)
    participants = _int_column(df["participant"], "participant", path, row_numbers)
    dup = pd.Series(participants).duplicated().to_numpy()
    if dup.any():
        i = int(np.argmax(dup))
        raise InputError(said("input.duplicate_participant", value=participants[i]), path, int(row_numbers[i]))
    notes = notes if notes is not None else []
    vote_cols = [c for c in df.columns if c not in PV_FIXED and c != "xid"]
    for c in vote_cols:
        try:
            int(c)
        except ValueError:
            raise InputError(said("input.unknown_column", quoted=repr(c)), path, 1) from None
    unknown = [c for c in vote_cols if str(int(c)) not in statement_ids]
    if unknown:
        n_cells = int(sum((df[c].str.strip() != "").sum() for c in unknown))
        notes.append(said("input.unknown_columns_note", file=path.name, votes=said("input.count.vote", n_cells),
                          comment_id_count=said("input.count.comment_id", len(unknown)), comment_ids=_first_ids(unknown)))
        vote_cols = [c for c in vote_cols if c not in unknown]
    groups = {}
    if "group-id" in df.columns:
        groups = {p: g.strip() for p, g in zip(participants, df["group-id"]) if g.strip() != ""}
    # The cells as one array, and only the non-empty ones stripped: a column-by-column ``.str.strip()``
    # cost a quarter more CPU reading bowling-green (2,031 rows x 896 columns, 1.8M cells, 12% filled:
    # 0.66-0.84 s against 0.53-0.60 s, with the same votes, participants and groups).
    cells = df[vote_cols].to_numpy(dtype=object)
    r, c = np.nonzero(cells != "")
    kept = np.fromiter((v.strip() != "" for v in cells[r, c]), dtype=bool, count=len(r))
    r, c = r[kept], c[kept]
    voted = np.zeros(len(df), dtype=bool)
    voted[r] = True
    if len(df) and not voted.all():
        notes.append(said("input.rows_without_vote_note", file=path.name,
                          rows=said("input.count.participant_row", int((~voted).sum()))))
    flat = pd.Series(cells[r, c])
    values = base.parse_vote_series(flat, path, row_numbers[r])
    votes = pd.DataFrame(
        {
            "participant": participants[r],
            "statement": np.array([str(int(x)) for x in vote_cols], dtype=object)[c] if len(c) else np.array([], dtype=object),
            "vote": values,
            "timestamp": np.nan,
        }
    )
    return ParticipantsVotes(votes, list(participants[voted]), groups, len(df))


def _no_rows_notes(path: Path, read: ParticipantsVotes) -> list[str]:
    """The note that participants-votes.csv is a header and no rows (Polis had computed no groups
    yet, so issue 13's comparison with them cannot be made), or none."""
    return [] if read.rows else [said("input.no_rows_note", file=path.name)]


#: The files of a Polis export that are read; a zip's other members are left alone.
EXPORT_FILES = ("comments.csv", "votes.csv", "participants-votes.csv", "summary.csv")


def is_polis_export(path: str | Path) -> bool:
    """A folder, or a zip file: Polis's download and the report page's "Polis export" are zips
    of the CSVs. (Anything else given as a source is a stored consultation's id or code.)"""
    path = Path(path)
    return path.is_dir() or (path.is_file() and zipfile.is_zipfile(path))


def read_polis_export(folder: str | Path) -> base.ImportBundle:
    """Read a Polis export folder, or a zip of one, into an ImportBundle (nothing stored yet)."""
    folder = Path(folder)
    if folder.is_file() and (zipfile.is_zipfile(folder) or folder.suffix.lower() == ".zip"):
        return _read_zip(folder)
    if not folder.exists():
        raise InputError(said("input.no_such_path"), folder)
    if not folder.is_dir():
        raise InputError(said("input.polis_is_file"), folder)
    return _read_folder(folder, folder.name)


def _read_zip(path: Path) -> base.ImportBundle:
    """The export in a zip: its CSVs (at the top or in one folder) are unpacked to a temporary
    folder and read there; errors name the zip and the file inside it."""
    try:
        with zipfile.ZipFile(path) as zf, tempfile.TemporaryDirectory(prefix="polis-zip-") as tmp:
            homes: dict[str, dict[str, zipfile.ZipInfo]] = {}
            for info in zf.infolist():
                name = PurePosixPath(info.filename)
                if not info.is_dir() and name.name in EXPORT_FILES and "__MACOSX" not in name.parts:
                    homes.setdefault(str(name.parent), {})[name.name] = info
            found = sorted(h for h, files in homes.items() if "comments.csv" in files)
            if not found:
                raise InputError(said("input.no_comments_zip"), path)
            if len(found) > 1:
                raise InputError(said("input.many_exports", n_exports=len(found), folders=", ".join(found)), path)
            inside = "" if found[0] == "." else found[0] + "/"
            for name, info in homes[found[0]].items():
                if info.file_size > base.MAX_FILE_BYTES:
                    raise InputError(said("input.too_big_unpacked", n_bytes=f"{info.file_size:,}",
                                          n_limit=f"{base.MAX_FILE_BYTES:,}"), f"{path}/{inside}{name}")
                with zf.open(info) as src, open(Path(tmp) / name, "wb") as dst:
                    shutil.copyfileobj(src, dst)
            try:
                bundle = _read_folder(Path(tmp), path.stem)
            except InputError as e:
                where = (e.source or "").replace(tmp + "/", f"{path}/{inside}").replace(tmp, str(path))
                raise InputError(e.problem, where or path, e.row) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as e:
        raise InputError(said("input.bad_zip", error=e), path) from None
    bundle.source = str(path.resolve())
    return bundle


def _read_folder(folder: Path, name: str) -> base.ImportBundle:
    """The export in ``folder``; ``name`` is the question when its summary.csv names no topic."""
    comments_path = folder / "comments.csv"
    if not comments_path.exists():
        raise InputError(said("input.no_comments_folder"), folder)
    notes: list[str] = []
    statements = read_comments(comments_path, notes)
    ids = {s.external_id for s in statements}
    summary = read_summary(folder)
    participants: list[str] = []
    votes_path, pv_path = folder / "votes.csv", folder / "participants-votes.csv"
    if votes_path.exists():
        votes = read_votes_csv(votes_path, ids, notes)
        if pv_path.exists():
            # keep participants listed there with a vote (same id space) even without vote rows;
            # the vote columns were checked, but the votes come from votes.csv (full history). Of what
            # it holds, only a header without rows is said: Polis's groups are then missing, which the
            # preview said nothing about when votes.csv was there
            read = read_participants_votes(pv_path, ids)
            participants = read.participants
            notes += _no_rows_notes(pv_path, read)
        else:
            notes.append(said("input.no_pv_note"))
    elif pv_path.exists():
        read = read_participants_votes(pv_path, ids, notes)
        votes, participants = read.votes, read.participants
        notes += _no_rows_notes(pv_path, read) + [said("input.no_votes_note")]
    else:
        votes = base.empty_votes()
        notes.append(said("input.no_votes_at_all_note"))
    authors = {s.author for s in statements if s.author is not None}
    all_participants = _sorted_ids(set(participants) | authors | set(votes["participant"].unique()))
    return base.ImportBundle(
        # the folder's real path, however it was typed (relative, through a symlink): `run FOLDER`
        # finds the consultation that `import-polis FOLDER` made instead of importing it again
        source=str(folder.resolve()),
        statements=statements,
        votes=votes,
        question=summary.get("topic", "").strip() or name,
        description=summary.get("conversation-description", "").strip(),
        participants=all_participants,
        notes=notes,
    )


def polis_group_ids(folder: str | Path) -> dict[str, str]:
    """Polis's own opinion group per participant (participants-votes.csv ``group-id``)."""
    folder = Path(folder)
    pv = folder / "participants-votes.csv"
    if not pv.exists():
        return {}
    ids = {s.external_id for s in read_comments(folder / "comments.csv")}
    return read_participants_votes(pv, ids).groups


# ---- export -------------------------------------------------------------------------------

#: A cell a spreadsheet would run as a formula: = + - @ (or tab/CR) first, after any quote marks.
_FORMULA = re.compile(r"'*[=+\-@\t\r]")
_NEUTRALISED = re.compile(r"'+[=+\-@\t\r]")


def _csv_safe(text: str) -> str:
    """Neutralise spreadsheet formulas: a cell starting with = + - @ (or a tab/CR) gets a quote prefix.

    Text that already starts with quote marks before such a character gets one more, so that
    :func:`_csv_unsafe` (used on import) gives back exactly the original text.
    """
    return "'" + text if text and _FORMULA.match(text) else text


def _csv_unsafe(text: str) -> str:
    """Undo :func:`_csv_safe`: one quote mark comes off a cell it neutralised."""
    return text[1:] if text and _NEUTRALISED.match(text) else text


def _csv_id(value: str) -> str:
    """An id cell: integer ids as they are (Polis's own), any other id neutralised."""
    value = str(value)
    try:
        int(value)
        return value
    except ValueError:
        return _csv_safe(value)


def write_polis_export(
    folder: str | Path,
    statements: list[Statement],
    vote_events: pd.DataFrame,
    *,
    question: str = "",
    description: str = "",
    groups: dict[str, int] | None = None,
) -> Path:
    """Write comments.csv, votes.csv, participants-votes.csv and summary.csv in Polis's format.

    ``vote_events`` has columns participant, statement, vote, timestamp (ms, NaN when unknown)
    in time order. Reading the folder back with :func:`read_polis_export` gives the same
    final vote matrix.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    ev = vote_events.copy()
    ev["timestamp"] = ev["timestamp"].astype("float64")
    # events without a time keep their order: number them before the timed ones
    final = ev.drop_duplicates(["participant", "statement"], keep="last")
    agree_counts = ev[ev["vote"] == 1].groupby("statement").size()
    disagree_counts = ev[ev["vote"] == -1].groupby("statement").size()
    statements = sorted(statements, key=lambda s: _id_key(s.external_id))

    def fmt_dt(ms: float) -> str:
        return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).strftime("%a %b %d %Y %H:%M:%S GMT+0000 (UTC)")

    with open(folder / "comments.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["timestamp", "datetime", "comment-id", "author-id", "agrees", "disagrees", "moderated", "comment-body"])
        for s in statements:
            ms = int(s.created_at.timestamp() * 1000)
            w.writerow([ms, fmt_dt(ms), _csv_id(s.external_id), _csv_id(s.author or ""),
                        int(agree_counts.get(s.external_id, 0)), int(disagree_counts.get(s.external_id, 0)),
                        s.moderation.to_polis(), _csv_safe(s.text if s.has_text else "")])  # as Polis had it

    with open(folder / "votes.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(VOTES_COLUMNS)
        ordered = ev.assign(_order=np.arange(len(ev)))
        ordered = ordered.assign(_c=ordered["statement"].map(_id_key), _v=ordered["participant"].map(_id_key))
        ordered = ordered.sort_values(["_c", "_v", "_order"], kind="stable")
        for ts, cid, vid, vote in zip(ordered["timestamp"], ordered["statement"], ordered["participant"], ordered["vote"]):
            if np.isnan(ts):
                w.writerow(["", "", _csv_id(cid), _csv_id(vid), int(vote)])
            else:
                w.writerow([int(ts), fmt_dt(ts), _csv_id(cid), _csv_id(vid), int(vote)])

    matrix = VoteMatrix.from_long(
        final["participant"].to_numpy(), final["statement"].to_numpy(), final["vote"].to_numpy(),
        statement_ids=[s.external_id for s in statements],
    )
    import pandas as pd  # lazy: pandas takes ~0.2-0.3 s and ~60 MB to import
    authored = pd.Series([s.author for s in statements if s.author]).value_counts()
    with open(folder / "participants-votes.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(PV_FIXED + [_csv_id(sid) for sid in matrix.statement_ids])
        dense = np.full(matrix.shape, 2, dtype=np.int8)  # 2 = no vote
        dense[matrix.rows, matrix.cols] = matrix.vals
        cell_text = np.array(["-1", "0", "1", ""], dtype=object)[dense + 1]  # -1,0,1,2 -> text
        n_agree = (dense == 1).sum(axis=1)
        n_disagree = (dense == -1).sum(axis=1)
        n_votes = (dense != 2).sum(axis=1)
        for i, pid in enumerate(matrix.participant_ids):
            g = "" if not groups or pid not in groups else str(groups[pid])
            f.write(",".join([_csv_field(_csv_id(pid)), g, str(int(authored.get(pid, 0))), str(int(n_votes[i])), str(int(n_agree[i])),
                              str(int(n_disagree[i])), *cell_text[i]]) + "\n")

    with open(folder / "summary.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        voters = final["participant"].nunique()
        for k, v in [("topic", question), ("url", ""), ("voters", voters), ("voters-in-conv", voters),
                     ("commenters", len(authored)), ("comments", len(statements)),
                     ("groups", len(set(groups.values())) if groups else ""),
                     ("conversation-description", description)]:
            w.writerow([k, _csv_safe(str(v))])
    return folder


def _csv_field(text: str) -> str:
    if any(ch in text for ch in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _id_key(x: str):
    try:
        return (0, int(x), "")
    except (TypeError, ValueError):
        return (1, 0, str(x))
