"""Benchmark the HTTP service: requests per second and latency percentiles, one worker.

    python bench/bench_serve.py                  # 8 clients, 2000 requests or 20 s per endpoint
    python bench/bench_serve.py 4 500 10         # clients, requests, seconds (both bounds hold)

Starts `missing-protocol serve` on 127.0.0.1 on a free port (never another address), drives
POST /v1/validate (a 36-event history) and POST /v1/check (the same 36 events as JSON Lines) with httpx from a
thread pool, and stops it. Needs the `serve` extra and httpx. No asserts: figures to read.
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from bench_validate import episode

AS_OF = "2026-06-30"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_server(port: int) -> subprocess.Popen[bytes]:
    script = Path(sys.executable).with_name("missing-protocol")
    command = str(script) if script.exists() else shutil.which("missing-protocol")
    assert command, "missing-protocol is not installed"
    process = subprocess.Popen(
        [command, "serve", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.terminate()
    raise SystemExit("the server did not start")


def drive(
    url: str, path: str, body: bytes, kind: str, clients: int, count: int, seconds: float
) -> None:
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    left = [count]
    failures = [0]

    def client() -> None:
        with httpx.Client(base_url=url, timeout=60) as session:
            while time.monotonic() < stop:
                with lock:
                    if left[0] <= 0:
                        return
                    left[0] -= 1
                start = time.perf_counter()
                answer = session.post(
                    path, content=body, headers={"content-type": kind}, params={"as_of": AS_OF}
                )
                elapsed = time.perf_counter() - start
                with lock:
                    latencies.append(elapsed)
                    failures[0] += answer.status_code != 200

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        for _ in range(clients):
            pool.submit(client)
    wall = time.perf_counter() - began
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000

    print(
        f"{path:<13} {len(ordered):>6} requests in {wall:5.1f} s: {len(ordered) / wall:7.1f} req/s | "
        f"p50 {pct(0.50):7.1f} ms  p90 {pct(0.90):7.1f} ms  p99 {pct(0.99):7.1f} ms  "
        f"mean {statistics.fmean(ordered) * 1000:7.1f} ms | non-200: {failures[0]}"
    )


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description="Requests per second of one local server.")
    parser.add_argument("clients", nargs="?", type=int, default=8)
    parser.add_argument("count", nargs="?", type=int, default=2000, help="requests per client")
    parser.add_argument("seconds", nargs="?", type=float, default=20.0, help="time bound")
    args = parser.parse_args(argv)
    clients, count, seconds = args.clients, args.count, args.seconds
    history = [e for n in range(6) for e in episode(n)]
    verdict_body = json.dumps({"history": history, "event": episode(6)[0]}).encode()
    check_body = "".join(json.dumps(e) + "\n" for e in history).encode()
    port = free_port()
    server = start_server(port)
    url = f"http://127.0.0.1:{port}"
    try:
        print(
            f"one worker on {url}; {clients} clients; at most {count} requests or {seconds:.0f} s each"
        )
        drive(url, "/v1/validate", verdict_body, "application/json", clients, count, seconds)
        drive(url, "/v1/check", check_body, "application/x-ndjson", clients, count, seconds)
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main(sys.argv[1:])
