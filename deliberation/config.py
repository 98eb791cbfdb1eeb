"""Where things live: the data directory, the database URL, the vector store, the embedding model.

Every setting has a default that keeps everything in one local data directory; the database and
the vector store can instead be servers shared by several app instances (docs/deployment.md).
"""

from __future__ import annotations

import logging
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

#: Environment variable naming the data directory (default: ./data under the working directory).
DATA_DIR_ENV = "DELIBERATION_DATA"
#: Environment variable with a SQLAlchemy database URL (default: SQLite file in the data directory).
DATABASE_URL_ENV = "DELIBERATION_DATABASE_URL"
#: Environment variable with the address of a Chroma server, e.g. ``http://127.0.0.1:8000``
#: (default: an embedded Chroma in the data directory).
CHROMA_URL_ENV = "DELIBERATION_CHROMA_URL"
#: Environment variable naming the embedding model (deliberation.embeddings.MODELS; default
#: "auto": chosen per consultation by its languages, deliberation.embeddings.choice). The app and
#: the CLI (``--embedding-model``) read it.
EMBEDDING_MODEL_ENV = "DELIBERATION_EMBEDDING_MODEL"
#: The address participants open to join (e.g. ``https://townhall.example.org``), shown on the
#: projector; needed when the app sits behind a proxy or is reached under another name
#: (``python -m ui.launch --lan`` sets it to this computer's network address).
PUBLIC_URL_ENV = "DELIBERATION_PUBLIC_URL"

log = logging.getLogger("deliberation.config")


def env_seconds(name: str, default: float) -> float:
    """A number of seconds from the environment variable ``name`` (e.g. a page's refresh interval);
    ``default`` when it is unset or blank. A value that is not a positive number ("abc", "-1", "0",
    "nan", "inf") is not used: a warning names the variable, its value and the default used
    instead. Read at a page's import, a bad value crashed the page (ValueError from float()), and
    "0" or "-1" made a page refresh never or without pause; a refresh interval is not worth
    refusing a room's pages over, so the pages run with the default and the server's log says why."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if math.isfinite(value) and value > 0:
        return value
    log.warning("%s=%r is not a positive number of seconds; using the default, %g s", name, raw, default)
    return default


REPO_ROOT = Path(__file__).resolve().parents[1]
#: The bundled sample consultation (see corpora/harbour-road/README.md).
SAMPLE_CORPUS = REPO_ROOT / "corpora" / "harbour-road"


@dataclass(frozen=True)
class Settings:
    """Locations of the stores. Everything defaults to one local data directory."""

    data_dir: Path = field(default_factory=lambda: Path(os.environ.get(DATA_DIR_ENV, "data")))
    #: SQLAlchemy URL; None = ``sqlite:///<data_dir>/deliberation.sqlite`` (WAL mode)
    database_url: str | None = field(default_factory=lambda: os.environ.get(DATABASE_URL_ENV) or None)
    #: Chroma server (``chroma run``) as ``http://host:port`` or ``https://host[:port]``;
    #: None = embedded ``PersistentClient`` in ``<data_dir>/chroma``
    chroma_url: str | None = field(default_factory=lambda: os.environ.get(CHROMA_URL_ENV) or None)
    #: embedding model by name (deliberation.embeddings.MODELS) for every consultation; None or
    #: "auto" = chosen per consultation by its statements' languages (deliberation.embeddings.choice)
    embedding_model: str | None = field(default_factory=lambda: os.environ.get(EMBEDDING_MODEL_ENV) or None)
    #: local folder of a sentence-transformers model (overrides embedding_model); None = by name
    model_path: Path | None = None
    #: "onnx" (faster, same vectors) or "torch" (plain sentence-transformers)
    embedding_backend: str = "onnx"

    @property
    def db_url(self) -> str:
        if self.database_url:
            return self.database_url
        # percent-encoded: SQLAlchemy decodes the path, which may hold "%", "?" or "#"
        return f"sqlite:///{quote(str((self.data_dir / 'deliberation.sqlite').resolve()))}"

    @property
    def chroma_path(self) -> Path:
        """The embedded Chroma's folder (unused when ``chroma_url`` names a server)."""
        return self.data_dir / "chroma"

    @property
    def model_cache_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def checkpoint_path(self) -> Path:
        return self.data_dir / "checkpoints.sqlite"

    def ensure(self) -> "Settings":
        """Make the data directory; one that cannot be a folder (a file there or on its path, no
        such parent to make it in) is an InputError naming it, not an OSError traceback."""
        from deliberation.errors import InputError  # lazy: errors is not needed by every settings user
        from deliberation.words import said

        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError, FileNotFoundError) as e:
            problem = (said("input.data_dir_is_file") if self.data_dir.is_file()
                       else said("input.data_dir_not_made", error=e.strerror))
            raise InputError(problem, self.data_dir) from None
        return self
