"""What an importer produces, and the checks every importer shares."""

from __future__ import annotations

import codecs
import dataclasses
import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from deliberation.errors import PREVIEW_CHARS, InputError
from deliberation.models import Statement, validate_statement_text
from deliberation.words import said
from deliberation.votematrix import VoteMatrix, _sorted_ids

if TYPE_CHECKING:
    import pandas as pd

#: Largest input file accepted by the importers, in bytes (a guard against pasting the wrong file).
MAX_FILE_BYTES = 2_000_000_000

VOTE_COLUMNS = ["participant", "statement", "vote", "timestamp"]


@dataclass
class ImportBundle:
    """Everything one import brings; storage writes it in one transaction or not at all.

    ``votes`` holds vote *events* (columns participant, statement, vote, timestamp) in the order
    they happened; the last event per (participant, statement) is the current vote.
    """

    source: str
    statements: list[Statement]
    votes: pd.DataFrame = field(default_factory=lambda: empty_votes())
    question: str = ""
    description: str = ""
    language: str = "und"
    #: participant ids known from the source (authors, voters, listed participants)
    participants: list[str] = field(default_factory=list)
    #: one plain line per kind of row that was kept as moderated out or skipped, or per
    #: missing optional file (shown by the CLI and the moderator's import preview)
    notes: list[str] = field(default_factory=list)
    #: the statement ids were numbered by the importer (0, 1, ... in file order: the file had no
    #: ids), so an import into a consultation that holds statements numbers them after its own
    numbered: bool = False

    def renumbered(self, taken: set[str]) -> "ImportBundle":
        """A copy whose statement ids (and the votes on them) follow the largest number in
        ``taken``, for an import of numbered statements into a consultation that holds these ids."""
        start = 1 + max((int(x) for x in taken if x.isdigit()), default=-1)
        new = {s.external_id: str(start + i) for i, s in enumerate(self.statements)}
        votes = self.votes.assign(statement=self.votes["statement"].map(lambda x: new.get(x, x)))
        return dataclasses.replace(self, statements=[s.model_copy(update={"external_id": new[s.external_id]})
                                                     for s in self.statements], votes=votes, numbered=False)

    def final_votes(self) -> pd.DataFrame:
        """One row per (participant, statement): the latest event wins."""
        if self.votes.empty:
            return self.votes
        return self.votes.drop_duplicates(["participant", "statement"], keep="last")

    def vote_matrix(self) -> VoteMatrix:
        final = self.final_votes()
        statement_ids = [s.external_id for s in self.statements]
        moderated_out = {s.external_id for s in self.statements if s.moderation.excluded_from_analysis}
        participant_ids = _sorted_ids(set(self.participants) | set(final["participant"].unique()))
        return VoteMatrix.from_long(
            final["participant"].to_numpy(),
            final["statement"].to_numpy(),
            final["vote"].to_numpy(),
            participant_ids=participant_ids,
            statement_ids=statement_ids,
            moderated_out_ids=moderated_out,
        )

    def summary(self) -> dict:
        final = self.final_votes()
        return {
            "statements": len(self.statements),
            "moderated_out": sum(s.moderation.excluded_from_analysis for s in self.statements),
            # people with a vote, as the store and the analysis count them; "registered" adds the
            # ids without one (authors who never voted)
            "participants": int(final["participant"].nunique()),
            "registered": len(set(self.participants) | set(final["participant"].unique())),
            "vote_events": len(self.votes),
            "votes": len(final),
        }


def empty_votes() -> pd.DataFrame:
    import pandas as pd  # lazy: pandas takes ~0.2-0.3 s and ~60 MB to import

    return pd.DataFrame(
        {
            "participant": pd.Series([], dtype=object),
            "statement": pd.Series([], dtype=object),
            "vote": pd.Series([], dtype=np.int8),
            "timestamp": pd.Series([], dtype="float64"),
        }
    )


def read_text(path: Path) -> str:
    """Read a whole file as UTF-8 (a BOM is allowed); name the file and row on a bad encoding."""
    path = Path(path)
    if not path.exists():
        raise InputError(said("input.file_not_found"), path)
    if path.is_dir():
        raise InputError(said("input.is_folder"), path)
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise InputError(said("input.too_big", n_bytes=f"{size:,}", n_limit=f"{MAX_FILE_BYTES:,}"), path)
    raw = path.read_bytes()
    if raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):  # before UTF-16: the same first bytes
        raise InputError(said("input.utf32"), path)
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode text": UTF-16 with its byte-order mark, unambiguous (tab-separated; see
        # csv_delimiter); it was refused as "not UTF-8 (byte 0xff at offset 0)"
        try:
            return _no_nul(raw.decode("utf-16"), path)
        except UnicodeDecodeError:
            raise InputError(said("input.bad_utf16"), path) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        word = _windows_word(raw, e.start)
        where = {"byte": f"{raw[e.start]:02x}", "n_offset": e.start, "n_line": line}
        raise InputError(said("input.not_utf8", **where) if word is None else
                         said("input.not_utf8_windows", **where, quoted=repr(word)), path) from None
    return _no_nul(text, path)


#: the bytes Windows-1252 leaves undefined: a file holding one is not Windows-1252 text
CP1252_UNDEFINED = (0x81, 0x8D, 0x8F, 0x90, 0x9D)


def _windows_word(raw: bytes, at: int) -> str | None:
    """Where a file that is not UTF-8 reads as Windows-1252 (what Excel on Windows saves as "CSV
    (Comma delimited)"): the word around the byte as read that way (said with the Excel choice that
    writes UTF-8), else None. The file is still refused: a guess at an encoding could store wrong letters."""
    if any(bytes([b]) in raw for b in CP1252_UNDEFINED):  # searched, not decoded: files reach 2 GB
        return None
    start = max(raw.rfind(b" ", 0, at), raw.rfind(b",", 0, at), raw.rfind(b";", 0, at), raw.rfind(b"\n", 0, at)) + 1
    ends = [i for i in (raw.find(b" ", at), raw.find(b",", at), raw.find(b";", at), raw.find(b"\n", at)) if i >= 0]
    return raw[start:min(ends, default=len(raw))].decode("cp1252").strip()[:PREVIEW_CHARS]


def _no_nul(text: str, path: Path) -> str:
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise InputError(said("input.nul", n_line=line), path)
    return text


#: Field separators tried when a header does not hold the required columns with commas: Excel
#: writes ';' where the decimal mark is a comma (German, French) and tabs as "Unicode text".
OTHER_DELIMITERS = (";", "\t")


def column_name(raw: str) -> str:
    """A header cell as the importers name columns: trimmed and in lower case, so a sheet whose
    header says ``Text`` or ``Comment-Body`` (typed or retouched by hand) finds its columns (it was
    refused as "missing required column(s) text; found Text")."""
    return raw.strip().lower()


def blank_row(fields: list[str]) -> bool:
    """A row without a single character: Excel keeps rows whose cells were cleared as ``,,,,``
    (they were refused as "comment-id '' is not an integer id"); they hold nothing to import."""
    return not any(f.strip() for f in fields)


def csv_delimiter(text: str, required: list[str], path: Path) -> str:
    """The file's field separator: ',' (also when nothing fits: the missing columns are then named),
    or ';' or a tab when its header line holds every required column only that way."""
    first = text.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r")
    if Path(path).suffix.lower() == ".tsv":
        return "\t"
    if not any(d in first for d in (",", *OTHER_DELIMITERS)):
        # a header of one column names no separator: its rows are read whole, split only at the tabs
        # of Excel's "Unicode text", which leaves a comma inside a statement unquoted (a one-column
        # sheet was refused: "row 3: has 4 fields but the header has 1"); quoted fields read as before
        return "\t"
    for d in (",", *OTHER_DELIMITERS):
        if all(c in [column_name(h).strip('"') for h in first.split(d)] for c in required):
            return d
    return ","


def cut_short_note(text: str, path: Path, rows: int) -> str | None:
    """A note when a file's last line has no line break (exports end with one): the file may have
    been cut short (an interrupted download or copy), and its last row taken as it is."""
    if not text or text.endswith(("\n", "\r")) or rows == 0:
        return None
    last = text.rstrip().rsplit("\n", 1)[-1]
    return said("input.cut_short", file=Path(path).name, quoted=repr(last[-PREVIEW_CHARS:]))


def read_csv_rows(path: Path, required: list[str], notes: list[str] | None = None,
                  ) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Parse a CSV strictly; return the header and (row number, row dict) pairs.

    Row numbers count the header as row 1. Raises InputError for malformed CSV, missing
    columns, or rows with the wrong number of fields. Column names are as :func:`column_name` gives them;
    rows without a character in any cell are skipped (:func:`blank_row`). Separated by ',', or by ';' or tabs when
    the header says so (:func:`csv_delimiter`). A last line without a line break is kept and
    named in ``notes`` (:func:`cut_short_note`).
    """
    text = read_text(path)
    if not text.strip():
        raise InputError(said("input.empty"), path)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True,
                        delimiter=csv_delimiter(text, required, path))
    try:
        header = next(reader)
    except csv.Error as e:
        raise InputError(said("input.malformed_header", error=e), path, 1) from None
    header = [column_name(h) for h in header]
    check_columns(header, required, path)
    if len(set(header)) != len(header):
        dup = sorted({h for h in header if header.count(h) > 1})
        raise InputError(said("input.duplicate_columns", columns=", ".join(dup)), path, 1)
    rows: list[tuple[int, dict[str, str]]] = []
    row_no = 1
    try:
        for fields in reader:
            row_no += 1
            if blank_row(fields):
                continue
            if len(fields) != len(header):
                raise InputError(said("input.field_count", n_fields=len(fields), n_header=len(header)), path, row_no)
            rows.append((row_no, dict(zip(header, fields))))
    except csv.Error as e:
        raise InputError(said("input.malformed", error=e), path, row_no + 1) from None
    note = cut_short_note(text, path, len(rows))
    if note and notes is not None:
        notes.append(note)
    return header, rows


def check_columns(header: list[str], required: list[str], path: Path | str) -> None:
    missing = [c for c in required if c not in header]
    if missing:
        missing_ = ", ".join(missing)
        raise InputError(said("input.missing_columns", missing=missing_, columns_found=", ".join(header)) if header
                         else said("input.missing_columns_none", missing=missing_), path, 1)


def checked_text(text: str, path: Path | str, row: int) -> str:
    try:
        return validate_statement_text(text)
    except ValueError as e:
        raise InputError(str(e), path, row) from None


def parse_vote_series(values: pd.Series, path: Path | str, row_numbers: np.ndarray) -> np.ndarray:
    """Map vote cells (1/-1/0 or agree/disagree/pass) to int8; name the first bad row."""
    text = values.astype(str).str.strip().str.lower()
    mapping = {"1": 1, "+1": 1, "1.0": 1, "agree": 1, "-1": -1, "-1.0": -1, "disagree": -1,
               "0": 0, "0.0": 0, "-0": 0, "pass": 0}
    mapped = text.map(mapping)
    bad = mapped.isna().to_numpy()
    if bad.any():
        i = int(np.argmax(bad))
        raise InputError(said("input.vote_value", quoted=repr(str(values.iloc[i])[:PREVIEW_CHARS])), path,
                         int(row_numbers[i]))
    return mapped.to_numpy(dtype=np.int8)


def check_votes_refer(votes: pd.DataFrame, statement_ids: set[str], path: Path | str,
                      row_numbers: np.ndarray) -> None:
    unknown = ~votes["statement"].isin(statement_ids).to_numpy()
    if unknown.any():
        i = int(np.argmax(unknown))
        raise InputError(said("input.unknown_statement", quoted=repr(votes["statement"].iloc[i])), path,
                         int(row_numbers[i]))
    empty_p = (votes["participant"].astype(str).str.strip() == "").to_numpy()
    if empty_p.any():
        i = int(np.argmax(empty_p))
        raise InputError(said("input.empty_participant"), path, int(row_numbers[i]))
