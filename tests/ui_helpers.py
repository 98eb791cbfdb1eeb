"""Helpers for the UI tests: a data directory with the sample consultation imported once per test
session (copied for each test that changes it), and AppTest set-up."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
APP = REPO / "ui" / "app.py"
SAMPLE = REPO / "corpora" / "harbour-road"
SECRET = "test-moderator-secret-1"

PAGES = {"home": "views/home.py", "participant": "views/participant.py", "moderator": "views/moderator.py", "board": "views/board.py",
         "report": "views/report.py"}


@dataclass
class Sample:
    data_dir: Path
    cid: int
    code: str
    secret: str


def import_sample(data_dir: Path) -> Sample:
    """Import the sample corpus (moderation + embeddings) into ``data_dir`` with a known secret."""
    from deliberation.config import Settings
    from deliberation.importers.polis import read_polis_export
    from deliberation.services import import_bundle

    settings = Settings(data_dir=data_dir).ensure()
    bundle = read_polis_export(SAMPLE)
    bundle.source = str(SAMPLE.resolve())
    rep = import_bundle(settings, bundle, secret=SECRET)
    return Sample(data_dir, rep.consultation_id, rep.code, SECRET)


def copy_sample(sample: Sample, target: Path) -> Sample:
    """A private copy of an imported data directory (SQLite + Chroma), cheaper than importing again."""
    shutil.copytree(sample.data_dir, target)
    return Sample(target, sample.cid, sample.code, sample.secret)


def app(page: str = "participant", timeout: float = 120):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=timeout)
    if page != "home":
        at.run()  # st.navigation registers the pages (custom url paths) on the first run
        at.switch_page(PAGES[page])
    return at


def texts(at) -> str:
    """Everything a page wrote as text (markdown, captions, alerts, titles, metrics), one string."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "error", "warning", "info",
                 "success"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [f"{m.label}: {m.value}" for m in at.metric]
    return "\n".join(parts)


def unescape(md: str) -> str:
    """Undo ui.common.esc (backslash before punctuation) to compare with stored text."""
    out, i = [], 0
    while i < len(md):
        if md[i] == "\\" and i + 1 < len(md):
            out.append(md[i + 1])
            i += 2
        else:
            out.append(md[i])
            i += 1
    return "".join(out)
