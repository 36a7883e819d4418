"""A measure in a process of its own: one local backend per process (the handlers compose once, against the
first backend's resources), so each measure that starts a backend runs apart and prints its lines as JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def in_own_process(module: str, function: str, timeout_s: float = 900) -> list[str]:
    script = f"import json; from {module} import {function}; print(json.dumps({function}()))"
    env = os.environ | {"POWERTOOLS_METRICS_DISABLED": "true", "PYTHONPATH": str(Path(__file__).parent.parent)}
    run = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=timeout_s)
    if run.returncode != 0:
        return [f"not measured: {run.stderr.strip().splitlines()[-1] if run.stderr.strip() else run.returncode}"]
    lines: list[str] = json.loads(run.stdout.strip().splitlines()[-1])
    return lines
