"""What several benchmarks need: percentiles, and a service of ours started on a free port."""

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile; infinity for no values (nothing arrived is the worst latency)."""
    ordered = sorted(values)
    if not ordered:
        return float("inf")
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_uvicorn(app: str, *, health_path: str, factory: bool = False) -> tuple[subprocess.Popen, str]:
    """`app` in a uvicorn process of its own (the way the services run), once `health_path` answers."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", *(["--factory"] if factory else []), app]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{url}{health_path}")
    except RuntimeError:
        server.terminate()
        raise
    return server, url


def wait_for(url: str, *, headers: dict[str, str] | None = None, seconds: float = 30) -> None:
    """Until `url` answers 2xx (a server just started), or RuntimeError after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            httpx.get(url, headers=headers, timeout=1).raise_for_status()
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")
