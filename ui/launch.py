"""Start the app: make sure the sample consultation is imported, print where to go, run Streamlit.

    python -m ui.launch [--port 8501] [--no-sample] [--lan]

Starts the data directory's Chroma server (``chroma run`` on 127.0.0.1 and a free port, recorded in
``<data dir>/chroma-server.json``, so the app and the CLI in another terminal share the vector
store safely; see deliberation/storage/chroma_server.py), imports ``corpora/harbour-road`` into
the data directory once (``$DELIBERATION_DATA``, default ``./data``), prints the local address,
the sample's join code and its moderator secret, then runs ``streamlit run ui/app.py`` on
127.0.0.1 until it ends, and stops the Chroma server.

A graph run the moderator console started goes on in a process of its own when the app stops
(graphs/runner_process.py). While such a run, or a terminal's ``deliberation run`` on the same data
folder (its import of a folder too), is still in the steps that read the vector store (checking
statements, finding topics), stopping the app keeps the Chroma server (in a session of its own,
which the terminal's Ctrl-C does not reach) until that run ends, and says so; a second Ctrl-C (or
SIGTERM) stops those runs as ``deliberation stop`` does, recorded as stopped in their step (Retry
in the console, or ``deliberation resume``, continues them), and then the server. Runs past those
steps go on without it. ``deliberation stop`` of the sample's folder during its first import stops
that import (nothing of it is kept) and the app starts without the sample.

The moderator secret is stored only as a hash in the database; so that later launches can print
it again, the launcher keeps the sample's secret in ``<data dir>/sample-moderator-secret.txt``
(readable by the owner only). Delete that file to stop printing it.

``--lan`` is for a room whose participants join on their own phones over the local network: the
app listens on every interface, and the join address on the projector and in the printout is this
machine's address on that network (found without sending anything: a UDP socket "connected" to a
documentation address only picks the outgoing interface), unless ``$DELIBERATION_PUBLIC_URL`` names
another (a proxy, a domain). Without it the app is reachable from this computer only.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from deliberation.config import EMBEDDING_MODEL_ENV, PUBLIC_URL_ENV, SAMPLE_CORPUS, Settings
from deliberation.embeddings import model_info
from deliberation.embeddings.choice import is_auto
from deliberation.errors import DeliberationError
from deliberation.importers.polis import read_polis_export
from deliberation.processes import http_ok, listens, wait_until_answers
from deliberation.services import ensure_consultation, find_consultation_by_source, find_stored, import_bundle
from deliberation.storage import Store, chroma_server, runs
from deliberation.storage.chroma_server import die_with_parent
from deliberation.words import said
from ui.serve import AFTER_GO, GO
from ui.uploads import MAX_UPLOAD_MB

APP = Path(__file__).resolve().parent / "app.py"
#: ``streamlit run`` that can import the pages' modules before it serves (ui/serve.py)
SERVE = APP.parent / "serve.py"
SECRET_FILE = "sample-moderator-secret.txt"
#: Seconds between two looks at the runs the vector store's server is kept for, after the app stopped.
KEEP_POLL_S = 0.5
#: Seconds the app has to end after the launcher passed it a Ctrl-C, before it is terminated.
APP_STOP_S = 30.0
#: Seconds the launcher waits, once it told the app to serve, for the app's address to answer before
#: it prints "Open …" (printed then anyway), and seconds between two asks of its health address.
APP_LISTEN_S, APP_LISTEN_POLL_S = 120.0, 0.1
#: Who imports the sample on a first launch, in the record of the folder's import lock and in words.
LAUNCHER = said("run.by.launcher")
#: Who stops the runs that still need the vector store, in their record and in words.
SECOND_STOP = said("run.by.second_stop")


#: Where ``--lan`` serves the app (every interface) and how the join address is found.
LAN_BIND = "0.0.0.0"
#: A documentation address (TEST-NET-1, RFC 5737) that nothing answers: "connecting" a UDP socket
#: to it sends no packet, it only makes the system choose the interface a packet would leave by.
_PROBE = ("192.0.2.1", 9)


def lan_address() -> str | None:
    """This computer's IPv4 address on its network, or None (no network; loopback only)."""
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.connect(_PROBE)
        ip = s.getsockname()[0]
        if ip and not ip.startswith("127.") and ip != "0.0.0.0":
            return ip
    return None


def streamlit_args(port: int, address: str = "127.0.0.1", after_go: bool = False) -> list[str]:
    """The command line that serves the app (no telemetry, no browser, no file watcher): ``streamlit
    run`` through ui/serve.py. ``after_go``: the process starts importing what the pages import and
    serves once it reads ``go`` on its standard input (:func:`_open_app`)."""
    return [sys.executable, str(SERVE), *([AFTER_GO] if after_go else []), "run", str(APP),
            "--server.address", address, "--server.port", str(port), "--server.headless", "true",
            "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
            "--client.showErrorDetails", "none", "--client.toolbarMode", "minimal",
            "--runner.magicEnabled", "false",
            # no full garbage collection after every script run: about half the server's CPU with
            # live boards open (bench/bench_board.py); Python's own collection still runs
            "--runner.postScriptGC", "false",
            # uploads: at most this many MB (checked again when saved); no CSV download of tables,
            # which would not neutralise spreadsheet formulas (the Polis export does)
            "--server.maxUploadSize", str(MAX_UPLOAD_MB), "--client.disableDataExport", "true"]


def ensure_sample(settings: Settings, say=print) -> tuple[int, str, str | None]:
    """Import the sample once; returns (consultation id, join code, moderator secret or None)."""
    secret_path = settings.data_dir / SECRET_FILE
    source = str(SAMPLE_CORPUS.resolve())
    # under the folder's import lock (as `deliberation run FOLDER`, `import-polis`): a second launcher,
    # or a terminal's run of the sample, importing it right now is named and refused (exit 2), not
    # imported beside it; `deliberation stop` stops the import (runs.RunStopped), as a terminal's
    with _sigterm_stops_the_import(), runs.importing(settings, source, said("run.doing.import_sample"),
                                                      by=LAUNCHER):
        store = Store(settings)
        if find_consultation_by_source(store, source) is None:
            # first launch: import with a secret we know, so it can be printed (ensure_consultation makes
            # one it does not return)
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


@contextlib.contextmanager
def _sigterm_stops_the_import():
    """SIGTERM raises :class:`runs.RunStopped` in the block, as in a terminal's import (the import's
    record then says it stops on SIGTERM, so ``deliberation stop`` sends it and the import stores
    nothing), instead of this launcher's own handler, which ends the launcher; that handler is put
    back after. Only in the main thread (signals are for it alone)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = signal.signal(signal.SIGTERM, signal.SIG_DFL)
    runs.takes_sigterm()
    try:
        yield
    finally:
        runs.release_sigterm()
        signal.signal(signal.SIGTERM, before)


def start_vector_server(settings: Settings, say=print):
    """The data directory's Chroma server: the one named by ``DELIBERATION_CHROMA_URL``, one already
    running for this data directory (another instance started it), or a new ``chroma run`` on a
    free port of 127.0.0.1, started under the embedded folder's lock (so no process has it open
    embedded). Returns the :class:`ChromaServer` this process started, or None."""
    if settings.chroma_url or chroma_server.recorded_url(settings):
        return None
    chroma_server.lock_embedded(settings.chroma_path)  # VectorStoreBusy: a CLI has it open right now
    t0 = time.monotonic()
    server = chroma_server.start(settings)
    say(f"Vector store: Chroma server {server.url} on {settings.chroma_path} "
        f"(started in {time.monotonic() - t0:.1f} s; the CLI uses it while the app runs)")
    return server


def _lan_url(port: int) -> str:
    """The join address for ``--lan`` (set as $DELIBERATION_PUBLIC_URL for the app, which shows it
    on the projector), keeping one the operator set."""
    public = os.environ.get(PUBLIC_URL_ENV, "").strip().rstrip("/")
    if not public:
        ip = lan_address()
        if ip is None:
            print("warning: this computer has no network address besides 127.0.0.1; phones cannot join. "
                  f"Set {PUBLIC_URL_ENV} to the address participants use.", file=sys.stderr)
            return f"http://127.0.0.1:{port}"
        public = f"http://{ip}:{port}"
        os.environ[PUBLIC_URL_ENV] = public  # the app process inherits it
    print(f"Participants on this network join at {public}/participate")
    return public


def _env_port(default: int = 8501) -> int:
    """The port from ``$DELIBERATION_PORT`` (default 8501); a value that is no port is refused in
    words at launch (it was a ValueError traceback from int()); read only when ``--port`` is not given."""
    raw = os.environ.get("DELIBERATION_PORT", "").strip() or str(default)
    if not (raw.isascii() and raw.isdigit()) or not 0 < int(raw) < 65536:  # "²" is a digit int() refuses
        raise SystemExit(f"DELIBERATION_PORT must be a port number (1-65535), not {raw!r}")
    return int(raw)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m ui.launch", description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=None, help="default: $DELIBERATION_PORT, else 8501")
    ap.add_argument("--no-sample", action="store_true", help="do not import the sample consultation")
    ap.add_argument("--embedded-chroma", action="store_true",
                    help="no Chroma server: the app opens the vector store itself (then no other process, "
                         "such as the CLI, can use the data directory while the app runs)")
    ap.add_argument("--embedding-model", default=None,
                    help="auto (default: all-MiniLM-L6-v2 for English consultations, else use-multilingual-v3), "
                         "use-multilingual-v3 or all-MiniLM-L6-v2; sets $DELIBERATION_EMBEDDING_MODEL")
    ap.add_argument("--lan", action="store_true",
                    help="participants join from their phones on this network: listen on every interface and "
                         "show this computer's network address as the join address")
    args = ap.parse_args(argv)
    if args.port is None:  # an explicit --port needs no $DELIBERATION_PORT, good or bad
        args.port = _env_port()
    if args.embedding_model:
        if not is_auto(args.embedding_model):
            model_info(args.embedding_model)  # an unknown name stops here, naming the choices
        os.environ[EMBEDDING_MODEL_ENV] = args.embedding_model  # the server process reads it
    settings = Settings().ensure()
    url = f"http://127.0.0.1:{args.port}"
    if args.lan:
        url = _lan_url(args.port)
    print(f"Data directory: {settings.data_dir.resolve()}")
    # Ctrl+C stops it even when started from a shell that ignores SIGINT (a background job inherits
    # SIG_IGN, and Python then installs no KeyboardInterrupt handler: the second Ctrl+C did nothing)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    # SIGTERM (a service manager, a test) ends the app and its Chroma server cleanly
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server = None
    # the app's process starts first: it imports its pages' modules (seconds on 2 cores) while the
    # vector store's server starts and the sample is checked, and serves once told to (ui/serve.py),
    # so the first pages opened after a restart are not blank while a script run imports them
    app = subprocess.Popen(streamlit_args(args.port, LAN_BIND if args.lan else "127.0.0.1", after_go=True),
                           stdin=subprocess.PIPE, preexec_fn=die_with_parent)
    try:
        if not args.embedded_chroma:
            server = start_vector_server(settings)
        if not args.no_sample and not _print_sample(settings, url):
            return 0
        _open_app(app)
        if _answers(app, args.port):
            print(f"Open {url} (Ctrl+C stops the server)", flush=True)
        return _serve(app)
    except DeliberationError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    finally:
        _end_unopened(app)
        _keep_vector_store_for_runs(settings, server)
        if server is not None:
            server.stop()


def _print_sample(settings: Settings, url: str) -> bool:
    """Import the sample once and print its addresses. Its import stopped by ``deliberation stop``:
    say so, and the app starts without it (True); stopped by a bare SIGTERM (a service manager):
    False, the launcher ends, as SIGTERM ends it at any other moment."""
    try:
        cid, code, secret = ensure_sample(settings)
    except runs.RunStopped as e:
        if e.by is None:
            return False
        cid = find_stored(settings, str(SAMPLE_CORPUS.resolve()))
        print(f"The sample consultation's import was {e.words()}: " + (
            "nothing of it was imported; the app starts without it (the next launch imports it)." if cid is None
            else f"it had imported it as consultation {cid}; the app starts."), flush=True)
        return True
    print(f"Sample consultation {cid}: join code {code}")
    print(f"  moderator secret: {secret}" if secret else
          "  moderator secret: printed when it was first imported (not stored in clear)")
    print(f"  participants: {url}/participate?code={code}")
    print(f"  live board:   {url}/board?code={code}")
    print(f"  report:       {url}/report?code={code}")
    print(f"  moderator:    {url}/moderator?code={code}")
    return True


def _open_app(app: subprocess.Popen) -> None:
    """Tell the app's process (started with ``after_go``) to serve."""
    with contextlib.suppress(BrokenPipeError):  # it has ended: _serve returns its exit status
        app.stdin.write(f"{GO}\n".encode())
        app.stdin.close()


def _answers(app: subprocess.Popen, port: int) -> bool:
    """Wait until the app told to serve answers on ``port`` (False: its process ended first), at most
    APP_LISTEN_S (then True: it still runs). "Open …" was printed before the app was told to serve: a
    moderator who opened the address at once (a room run by hand, tests/room_hand.py) got
    "connection refused". Only our app's answer counts (:func:`listens`): another program's server
    on the port is not ours, and our app, unable to bind it, ends."""
    ours = wait_until_answers(
        lambda: http_ok(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) and listens(app, port),
        app, APP_LISTEN_S, APP_LISTEN_POLL_S)
    return ours or app.poll() is None


def _end_unopened(app: subprocess.Popen) -> None:
    """An app's process never told to serve (the launcher stops before): closed standard input ends
    it (ui/serve.py); terminated if it has not ended soon after."""
    if app.poll() is None:
        with contextlib.suppress(BrokenPipeError):
            app.stdin.close()
        try:
            app.wait(timeout=APP_STOP_S)
        except subprocess.TimeoutExpired:
            app.terminate()
            app.wait(timeout=APP_STOP_S)


def _serve(app: subprocess.Popen) -> int:
    """Wait for the app to end; a Ctrl-C (which the terminal sends to the app too) or SIGINT to this
    process alone is passed on to it, and it is terminated when it has not ended soon after."""
    try:
        return _ended_by_itself(app.wait())
    except KeyboardInterrupt:
        with contextlib.suppress(ProcessLookupError):
            app.send_signal(signal.SIGINT)
        try:
            return app.wait(timeout=APP_STOP_S)
        except subprocess.TimeoutExpired:
            return -1
    finally:
        if app.poll() is None:
            app.terminate()
            app.wait(timeout=APP_STOP_S)


def _ended_by_itself(status: int) -> int:
    """The app's process ended while nobody stopped the launcher (killed, crashed, or stopped on its
    own): say so, instead of ending without a word, and end with a failure status."""
    how = (f"killed by signal {signal.Signals(-status).name}" if status < 0 and -status in signal.valid_signals()
           else f"exit status {status}")
    print(f"The app's server process ended by itself ({how}): the app is no longer served. "
          "Start it again with `make run`; every acknowledged vote is stored.", file=sys.stderr, flush=True)
    return status if status > 0 else 1


def _runs_needing_vector_store(settings: Settings) -> dict[int | str, runs.RunRecord]:
    """The runs going on in this container on the data folder (the console's, in processes of their
    own, and a terminal's ``deliberation run``, which uses the server this launcher recorded) that
    may still read the vector store, by consultation id, or by the folder a run imports first
    (which it reads and writes). A run in another container uses a server of its own."""
    importing = {source: rec for source, rec in runs.imports_in_progress(settings).items()
                 if not rec.started_elsewhere()}
    here = {cid: rec for cid, rec in runs.all_in_progress(settings).items() if not rec.started_elsewhere()}
    if not here:
        return importing
    from graphs import runner_process  # lazy: graphs.runner (LangGraph, ~0.7 s), only once the app has stopped

    return {**importing, **{cid: rec for cid, rec in here.items()
                            if runner_process.needs_vector_store(settings, cid, rec)}}


def _going_on_words(key: int | str, rec: runs.RunRecord, needs: bool) -> str:
    if isinstance(key, str):  # a folder's import lock: import-polis, a run importing first, another launcher
        return (f"{key} is being imported ({rec.words()}): the vector store's server stays up until it ends; "
                "Ctrl-C again stops that import (nothing of the folder is kept: an import stores all of it or "
                "nothing) and the server.")
    if rec.detached:
        keep = ("It still needs the vector store (its first two steps: checking statements, finding topics), "
                "so the vector store's server stays up until this run ends; Ctrl-C again stops the run and "
                "the server (Retry in the console continues it)." if needs else "")
        return (f"The facilitation run of consultation {key} goes on in its own process ({rec.words()}): the "
                f"moderator console shows it when the app is started again. {keep}").rstrip()
    return (f"The facilitation run of consultation {key} ({rec.words()}) still needs the vector store (its first "
            "two steps: checking statements, finding topics), so the vector store's server stays up until it "
            f"ends; Ctrl-C again stops that run in its step (continue with: deliberation resume {key}) and the "
            "server.")


def _keep_vector_store_for_runs(settings: Settings, server) -> None:
    """After the app stopped: say which of the console's runs go on; keep the vector store's server
    (when this launcher started it) until the runs that still need it (the console's and a
    terminal's on the same data folder, a terminal's import before its run) have ended. A second
    Ctrl-C (or SIGTERM) stops those runs first, as ``deliberation stop`` does (recorded as stopped in
    their step), and then the server: it is never stopped under a run holding its lock."""
    going_on = runs.detached_in_progress(settings)
    needing = _runs_needing_vector_store(settings) if server is not None else {}
    try:  # from here on a second Ctrl-C stops what still needs the server
        for key, rec in {**going_on, **needing}.items():
            print(_going_on_words(key, rec, key in needing), flush=True)
        while needing:
            time.sleep(KEEP_POLL_S)
            needing = {key: rec for key, rec in needing.items() if _still_running(settings, key, rec)}
            if not needing:
                print("The runs that needed the vector store have ended: its server stops now.", flush=True)
    except (KeyboardInterrupt, SystemExit):  # a second Ctrl-C, or SIGTERM
        _stop_runs(settings, needing)


def _still_running(settings: Settings, key: int | str, rec: runs.RunRecord) -> bool:
    now = runs.in_progress(settings, key) if isinstance(key, int) else runs.import_in_progress(settings, key)
    return now is not None and now.pid == rec.pid


def _stop_runs(settings: Settings, needing: dict[int | str, runs.RunRecord]) -> None:
    """Stop the runs that still need the vector store, as ``deliberation stop`` does, and say so."""
    from graphs import runner_process  # lazy: as in _runs_needing_vector_store

    for key, rec in needing.items():
        if isinstance(key, str):
            try:
                runner_process.end_run(settings, key, rec, SECOND_STOP, True, lambda: "importing")
            except DeliberationError as e:  # it does not stop on SIGTERM, or runs elsewhere: said why
                print(f"The import of {key} was not stopped: {e}", flush=True)
                continue
            cid = find_stored(settings, key)
            print(f"The import of {key} was stopped: " + ("nothing of it was imported." if cid is None else
                  f"it had imported it as consultation {cid}; start its run with: deliberation run {cid}"), flush=True)
            continue
        last = runner_process.stop(settings, key, rec.pid, by=SECOND_STOP)
        told = last.how_it_stopped() if last is not None and last.pid == rec.pid else None
        again = "Retry in the moderator console continues it" if rec.detached else f"Continue with: deliberation " \
            f"resume {key}"
        print(f"{told or f'The run of consultation {key} had ended'}. {again}.", flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
