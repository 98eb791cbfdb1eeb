"""Saving the moderator's uploads: only under ``<data dir>/uploads/<consultation>/<sub>/``.

No Streamlit here (the functions are tested directly). Names are reduced to ``[A-Za-z0-9._-]``
(the suffix kept), never start with a dot, and are at most :data:`MAX_NAME` characters; the folder
must resolve inside the data directory (a planted symlink anywhere on the way is refused) and a
file is opened with ``O_NOFOLLOW``, so a symlink planted under a file's name is not followed.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

from deliberation.errors import InputError
from deliberation.words import said

#: Largest upload accepted, per file and in total (MB). Streamlit's own limit is set to the same
#: value by ``ui.launch`` and ``.streamlit/config.toml`` (``server.maxUploadSize``).
def _max_upload_mb(default: int = 50) -> int:
    raw = os.environ.get("DELIBERATION_MAX_UPLOAD_MB", str(default)).strip()
    if not raw.isdigit() or int(raw) < 1:
        raise SystemExit(f"DELIBERATION_MAX_UPLOAD_MB must be a whole number of megabytes (1 or more), not {raw!r}")
    return int(raw)


MAX_UPLOAD_MB = _max_upload_mb()
#: Longest saved file name.
MAX_NAME = 100


def safe_name(name: object, default: str = "upload") -> str:
    """A file name that can only name a file in the folder it is joined to."""
    raw = unicodedata.normalize("NFKC", str(name)).replace("\x00", "")
    base = raw.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = suffix, ""
    suffix = re.sub(r"[^A-Za-z0-9]", "", suffix)[:10]
    stem = re.sub(r"[^A-Za-z0-9._-]", "_", stem)
    stem = re.sub(r"\.{2,}", ".", stem).strip("._-")
    stem = (stem or default)[: MAX_NAME - len(suffix) - 1]
    return f"{stem}.{suffix}" if suffix else stem


def upload_folder(data_dir: Path, cid: int, sub: str) -> Path:
    """``<data dir>/uploads/<cid>/<sub>``, created, and checked to lie inside the data directory."""
    data = Path(data_dir).resolve()
    root = data / "uploads"
    folder = root / str(int(cid)) / safe_name(sub)
    for p in (root, root / str(int(cid)), folder):  # nothing on the way may be a symlink
        if p.is_symlink():
            raise InputError(said("input.upload_folder_link"), p)
    folder.mkdir(parents=True, exist_ok=True)
    real = folder.resolve()
    if real != folder or data not in real.parents:
        raise InputError(said("input.upload_folder_outside"), folder)
    return folder


def save_uploads(data_dir: Path, cid: int, files, sub: str, max_mb: int = MAX_UPLOAD_MB) -> Path:
    """Save uploaded files (objects with ``name`` and ``getvalue()``) under sanitised names."""
    limit = max_mb * 1024 * 1024
    payloads = []
    total = 0
    for f in files:
        data = f.getvalue()
        total += len(data)
        if len(data) > limit or total > limit:
            raise InputError(said("input.upload_too_big", n_mb=max_mb), safe_name(f.name))
        payloads.append((safe_name(f.name), data))
    folder = upload_folder(data_dir, cid, sub)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    for name, data in payloads:
        target = folder / name
        if target.parent != folder or target.name != name:
            raise InputError(said("input.upload_name_outside"), name)
        try:
            fd = os.open(target, flags, 0o600)
        except OSError as e:  # ELOOP: a symlink was planted under this name
            raise InputError(said("input.upload_cannot_write", error=e.strerror), name) from None
        with os.fdopen(fd, "wb") as out:
            out.write(data)
    return folder


def polis_upload(data_dir: Path, cid: int, files, sub: str) -> Path:
    """An uploaded Polis export saved under ``sub``: its CSVs as a folder, or its one .zip (Polis's
    download, the report page's Polis export, which the console's uploader refused), read as the
    CLI's ``import-polis`` reads a zip."""
    names = [safe_name(f.name) for f in files]
    zips = [n for n in names if n.lower().endswith(".zip")]
    if zips and len(files) > 1:
        raise InputError(said("input.upload_both", files=", ".join(names)))
    if not zips and "comments.csv" not in names:
        raise InputError(said("input.upload_no_comments"))
    folder = save_uploads(data_dir, cid, files, sub)
    return folder / zips[0] if zips else folder


def named_as_uploaded(e: InputError) -> InputError:
    """``e`` naming the uploaded file as the moderator chose it ("votes.csv, row 4: …"), not the
    server's copy of it (".../data/uploads/1/20261205-200216-97b680c3/votes.csv, row 4: …")."""
    return InputError(e.problem, re.sub(r"^.*/uploads/\d+/[^/]+/", "", e.source) if e.source else None, e.row)
