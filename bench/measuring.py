"""What both benchmarks need: each part in a fresh process, and that process's peak memory."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM, not ru_maxrss: a child started with
    fork + exec keeps its parent's ru_maxrss, which would count the data generation."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def run_child(script: str, *args: object) -> dict:
    """Run `script --child ARGS` in a new interpreter; its last stdout line is a JSON object."""
    output = subprocess.run(
        [sys.executable, script, "--child", *map(str, args)],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
    ).stdout
    return json.loads(output.strip().splitlines()[-1])
