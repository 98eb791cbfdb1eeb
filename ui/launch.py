"""Start the app: make sure the sample consultation is imported, print where to go, run Streamlit.

    python -m ui.launch [--port 8501] [--no-sample]

Imports ``corpora/harbour-road`` into the data directory once (``$DELIBERATION_DATA``, default
``./data``), prints the local address, the sample's join code and its moderator secret, then
replaces this process with ``streamlit run ui/app.py`` on 127.0.0.1.

The moderator secret is stored only as a hash in the database; so that later launches can print
it again, the launcher keeps the sample's secret in ``<data dir>/sample-moderator-secret.txt``
(readable by the owner only). Delete that file to stop printing it.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from pathlib import Path

from deliberation.config import SAMPLE_CORPUS, Settings
from ui.uploads import MAX_UPLOAD_MB

APP = Path(__file__).resolve().parent / "app.py"
SECRET_FILE = "sample-moderator-secret.txt"


def streamlit_args(port: int, address: str = "127.0.0.1") -> list[str]:
    """The command line that serves the app (no telemetry, no browser, no file watcher)."""
    return [sys.executable, "-m", "streamlit", "run", str(APP),
            "--server.address", address, "--server.port", str(port), "--server.headless", "true",
            "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
            "--client.showErrorDetails", "none", "--client.toolbarMode", "minimal",
            "--runner.magicEnabled", "false",
            # uploads: at most this many MB (checked again when saved); no CSV download of tables,
            # which would not neutralise spreadsheet formulas (the Polis export does)
            "--server.maxUploadSize", str(MAX_UPLOAD_MB), "--client.disableDataExport", "true"]


def ensure_sample(settings: Settings, say=print) -> tuple[int, str, str | None]:
    """Import the sample once; returns (consultation id, join code, moderator secret or None)."""
    from deliberation.services import ensure_consultation, find_consultation_by_source, import_bundle
    from deliberation.storage import Store

    store = Store(settings)
    secret_path = settings.data_dir / SECRET_FILE
    source = str(SAMPLE_CORPUS.resolve())
    if find_consultation_by_source(store, source) is None:
        # first launch: import with a secret we know, so it can be printed (ensure_consultation makes
        # one it does not return)
        from deliberation.importers.polis import read_polis_export

        say(f"Importing the sample consultation from {SAMPLE_CORPUS} (moderation and embeddings)…")
        secret = secrets.token_urlsafe(12)
        bundle = read_polis_export(SAMPLE_CORPUS)
        bundle.source = source
        import_bundle(settings, bundle, secret=secret)
        secret_path.write_text(secret + "\n", encoding="utf-8")
        os.chmod(secret_path, 0o600)
    cid = ensure_consultation(settings, source)
    code = store.get_consultation(cid).code
    secret = secret_path.read_text(encoding="utf-8").strip() if secret_path.exists() else None
    return cid, code, secret


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m ui.launch", description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=int(os.environ.get("DELIBERATION_PORT", "8501")))
    ap.add_argument("--no-sample", action="store_true", help="do not import the sample consultation")
    args = ap.parse_args(argv)
    settings = Settings().ensure()
    url = f"http://127.0.0.1:{args.port}"
    print(f"Data directory: {settings.data_dir.resolve()}")
    if not args.no_sample:
        cid, code, secret = ensure_sample(settings)
        print(f"Sample consultation {cid}: join code {code}")
        print(f"  moderator secret: {secret}" if secret else
              "  moderator secret: printed when it was first imported (not stored in clear)")
        print(f"  participants: {url}/participate?code={code}")
        print(f"  live board:   {url}/board?code={code}")
        print(f"  report:       {url}/report?code={code}")
        print(f"  moderator:    {url}/moderator?code={code}")
    print(f"Open {url} (Ctrl+C stops the server)", flush=True)
    cmd = streamlit_args(args.port)
    os.execv(cmd[0], cmd)
    return 0  # not reached


if __name__ == "__main__":
    raise SystemExit(main())
