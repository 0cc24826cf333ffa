"""Running a measurement in a fresh interpreter, so the peak memory it reports is its own."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

CHECKOUT = Path(__file__).resolve().parent.parent


def peak_rss_mib() -> float:
    """This process's peak resident memory so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(module: str, task: str, *args: str, env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Run ``python -m module --child task args...`` and return the JSON object it prints last."""
    output = subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", module, "--child", task, *args],
        check=True,
        capture_output=True,
        text=True,
        cwd=CHECKOUT,
        env=dict(os.environ if env is None else env),
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def serve(tasks: Mapping[str, Callable[..., Any]], child: list[str]) -> None:
    """In the child: run ``task_<name>`` from ``tasks`` and print its result as JSON."""
    task, *rest = child
    print(json.dumps(tasks[f"task_{task}"](*rest)))
