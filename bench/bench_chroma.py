"""The vector store as ``make run`` uses it (a local ``chroma run`` server) against embedded Chroma.

    .venv/bin/python bench/bench_chroma.py [--statements 2000] [--queries 200]

Measures, in one run on the same vectors: the server's start time (spawn to first heartbeat) and
resident memory, opening the embedded store, one bulk upsert of N statements (384 dimensions, as
all-MiniLM-L6-v2 gives), reading 200 statements' vectors by id (what the graph's intake and
analyse nodes do) and single nearest-neighbour queries filtered to one consultation (the
participant page's similar-statement preview), as median milliseconds. Prints server / embedded
ratios. The server is what lets the app and the CLI share one data directory (see
deliberation/storage/chroma_server.py); this measures what that costs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from deliberation.config import Settings  # noqa: E402
from deliberation.models import Statement  # noqa: E402
from deliberation.storage import VectorIndex, chroma_server  # noqa: E402

DIM = 384


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def workload(index: VectorIndex, n: int, queries: int, seed: int = 0) -> dict[str, float]:
    rng = np.random.default_rng(seed)
    vecs = rng.normal(size=(n, DIM)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    statements = [Statement(external_id=str(i), text=f"statement {i}") for i in range(n)]
    t0 = time.perf_counter()
    index.upsert(1, statements, vecs)
    upsert_s = time.perf_counter() - t0
    ids = [str(i) for i in range(min(200, n))]
    reads, finds = [], []
    for q in range(queries):
        t0 = time.perf_counter()
        got = index.vectors(1, ids)
        reads.append(time.perf_counter() - t0)
        assert len(got) == len(ids)
        t0 = time.perf_counter()
        hits = index.similar(1, vecs[q % n], n=12)
        finds.append(time.perf_counter() - t0)
        assert hits
    return {"upsert_ms": upsert_s * 1000, "read200_ms": statistics.median(reads) * 1000,
            "query_ms": statistics.median(finds) * 1000}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--statements", type=int, default=2000)
    ap.add_argument("--queries", type=int, default=200)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        emb_settings = Settings(data_dir=Path(tmp) / "embedded").ensure()
        before = rss_mb(__import__("os").getpid())
        t0 = time.perf_counter()
        index = VectorIndex(emb_settings.chroma_path)
        open_ms = (time.perf_counter() - t0) * 1000
        emb = workload(index, args.statements, args.queries)
        emb_rss = rss_mb(__import__("os").getpid()) - before
        index.close()

        srv_settings = Settings(data_dir=Path(tmp) / "server").ensure()
        t0 = time.perf_counter()
        server = chroma_server.start(srv_settings)
        start_ms = (time.perf_counter() - t0) * 1000
        try:
            idle_rss = rss_mb(server.proc.pid)
            remote = VectorIndex(url=server.url)
            srv = workload(remote, args.statements, args.queries)
            srv_rss = rss_mb(server.proc.pid)
        finally:
            server.stop()
    print(f"vector store, {args.statements} statements x {DIM} dims, {args.queries} reads and queries "
          "(median ms)")
    print(f"{'':24}{'embedded':>12}{'server':>12}{'server/embedded':>18}")
    print(f"{'open / start':24}{open_ms:12.0f}{start_ms:12.0f}{start_ms / open_ms:18.1f}")
    for key, label in (("upsert_ms", f"upsert {args.statements}"), ("read200_ms", "read 200 vectors by id"),
                       ("query_ms", "similar (n=12, filtered)")):
        print(f"{label:24}{emb[key]:12.1f}{srv[key]:12.1f}{srv[key] / emb[key]:18.2f}")
    print(f"{'memory (MB)':24}{emb_rss:12.0f}{srv_rss:12.0f}   (server: {idle_rss:.0f} MB idle; "
          "embedded: growth of this process)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
