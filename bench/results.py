"""The one shape every benchmark result takes (see bench/README.md)."""

import json
import os
import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory_kib = int(Path("/proc/meminfo").read_text().split()[1])
    except OSError:
        memory_kib = 0
    return {"cores": os.cpu_count(), "cpu": cpu, "memory_gib": round(memory_kib / 1024**2)}


def write_result(
    name: str,
    *,
    inputs: dict[str, Any],
    figures: dict[str, float],
    ratios: dict[str, float],
    targets: dict[str, dict[str, float]],
) -> Path:
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    result = {
        "benchmark": name,
        "machine": machine(),
        "date": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "inputs": inputs,
        "figures": {key: round(value, 3) for key, value in figures.items()},
        "ratios": {key: round(value, 3) for key, value in ratios.items()},
        "targets": targets,
    }
    path.write_text(json.dumps(result, indent=2) + "\n")
    return path
