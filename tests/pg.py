"""PostgreSQL for the tests: a throwaway cluster (or the server in $DELIBERATION_TEST_DATABASE_URL)
and a fresh database per test, so the storage and voting tests run on SQLite and on PostgreSQL.

Fixtures:

- ``pg_url`` (session): a SQLAlchemy URL of a PostgreSQL server we may create databases on.
  ``$DELIBERATION_TEST_DATABASE_URL`` when set (``.ci/run`` sets it); otherwise ``initdb`` +
  ``pg_ctl start`` of Debian's ``postgresql`` binaries into a temporary directory, on 127.0.0.1
  and a free port, stopped and deleted at the end of the session. Skips with a reason when the
  binaries are absent (``apt-get install postgresql``).
- ``pg_database_url`` (function): a new, empty database on that server, dropped after the test;
  ``fresh_database(url)`` / ``backend_url(request, backend)`` do the same for fixtures of other scopes.
- ``db_url`` (function, parametrised ``sqlite`` / ``postgresql``): None (the SQLite file in the
  data directory) or a fresh PostgreSQL database.
- ``store_settings`` (function): ``Settings`` for the tmp data directory and ``db_url``.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pytest

from deliberation.config import Settings
from deliberation.processes import PORT_RETRIES, free_port, log_says_port_taken

#: Server URL for the tests (a role allowed to CREATE DATABASE); unset = start a throwaway cluster.
TEST_DATABASE_URL_ENV = "DELIBERATION_TEST_DATABASE_URL"
BACKENDS = ["sqlite", "postgresql"]

__all__ = ["pg_url", "pg_database_url", "db_url", "store_settings", "fresh_database", "backend_url", "BACKENDS",
           "TEST_DATABASE_URL_ENV"]


def _pg_bin() -> Path | None:
    """The newest installed PostgreSQL bin directory (Debian: /usr/lib/postgresql/<major>/bin)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def _as_owner(cmd: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root: run them as Debian's ``postgres`` user then."""
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", "postgres", "--", *cmd]


def _start_cluster():
    bindir = _pg_bin()
    if bindir is None:
        pytest.skip("PostgreSQL binaries not found (no /usr/lib/postgresql/*/bin/initdb): "
                    "`apt-get install postgresql` or set $" + TEST_DATABASE_URL_ENV)
    if os.geteuid() == 0:
        try:
            import pwd

            owner = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no `postgres` system user to run PostgreSQL as")
    root = Path(tempfile.mkdtemp(prefix="deliberation-pg-"))
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    if os.geteuid() == 0:
        os.chmod(root, 0o755)
        os.chown(root, owner.pw_uid, owner.pw_gid)
        os.chown(sock, owner.pw_uid, owner.pw_gid)
    run = dict(check=True, capture_output=True, text=True, cwd=root)
    log = root / "log"
    try:
        subprocess.run(_as_owner([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
                                  "-E", "UTF8", "--locale=C", "--no-sync"]), **run)
        for attempt in range(PORT_RETRIES + 1):
            # a port free_port picked, taken by another process before the server's bind: picked again
            port, written = free_port(), log.stat().st_size if log.exists() else 0
            opts = f"-h 127.0.0.1 -p {port} -k {sock} -F -c max_connections=200 -c full_page_writes=off"
            try:
                subprocess.run(_as_owner([str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log),
                                          "-o", opts, "-w", "-t", "60", "start"]), **run)
                break
            except subprocess.CalledProcessError:
                if attempt == PORT_RETRIES or not log_says_port_taken(log, written):
                    raise
    except subprocess.CalledProcessError as e:
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"could not start PostgreSQL: {e.stderr or e.stdout}\n{tail}") from None

    def stop() -> None:
        subprocess.run(_as_owner([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
                       capture_output=True, cwd=root)
        shutil.rmtree(root, ignore_errors=True)

    return f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", stop


@pytest.fixture(scope="session")
def pg_url():
    """URL of a PostgreSQL server for the tests (see the module docstring)."""
    url = os.environ.get(TEST_DATABASE_URL_ENV)
    if url:
        yield url
        return
    url, stop = _start_cluster()
    try:
        yield url
    finally:
        stop()


def _admin(url: str):
    from sqlalchemy import create_engine

    from sqlalchemy.pool import NullPool

    return create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)


def _wait_until_ready(url: str, seconds: float = 30) -> None:
    from sqlalchemy.exc import OperationalError

    end = time.monotonic() + seconds
    while True:
        engine = _admin(url)
        try:
            with engine.connect() as c:
                c.exec_driver_sql("SELECT 1")
            return
        except OperationalError:
            if time.monotonic() > end:
                raise
            time.sleep(0.2)
        finally:
            engine.dispose()


@contextlib.contextmanager
def fresh_database(server_url: str):
    """A new empty database on the server (dropped at exit, even with connections still open)."""
    from sqlalchemy.engine import make_url

    _wait_until_ready(server_url)
    name = f"t_{uuid.uuid4().hex[:16]}"
    admin = _admin(server_url)
    with admin.connect() as c:
        c.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as c:
            c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture
def pg_database_url(pg_url):
    """A new empty database for this test only."""
    with fresh_database(pg_url) as url:
        yield url


def backend_url(request, backend: str):
    """For fixtures of any scope parametrised over BACKENDS: None (SQLite) or a fresh PostgreSQL
    database that lives as long as the requesting fixture."""
    if backend == "sqlite":
        return None
    cm = fresh_database(request.getfixturevalue("pg_url"))
    url = cm.__enter__()
    request.addfinalizer(lambda: cm.__exit__(None, None, None))
    return url


@pytest.fixture(params=BACKENDS)
def db_url(request):
    """None for SQLite (the file in the data directory) or the URL of a fresh PostgreSQL database."""
    return backend_url(request, request.param)


@pytest.fixture
def store_settings(tmp_path, db_url):
    """Settings on the tmp data directory, on the backend of this parametrisation."""
    from deliberation.config import Settings

    return Settings(data_dir=tmp_path / "data", database_url=db_url)


def bench_backends(tmp: Path, with_postgres: bool = True):
    """For a benchmark run outside pytest: ``(name, Settings)`` of a data folder under ``tmp`` on
    SQLite, then on a throwaway PostgreSQL cluster when ``with_postgres`` and its binaries are there
    (said in words when they are not); the cluster stops when the iteration ends."""
    yield "SQLite (on disk, WAL)", Settings(data_dir=tmp / "sqlite").ensure()
    if not with_postgres:
        return
    try:
        server, stop = _start_cluster()
    except BaseException as e:  # pytest.skip outside pytest: no PostgreSQL binaries
        print(f"PostgreSQL: skipped ({e})")
        return
    try:
        with fresh_database(server) as url:
            yield "PostgreSQL", Settings(data_dir=tmp / "pg", database_url=url).ensure()
    finally:
        stop()
