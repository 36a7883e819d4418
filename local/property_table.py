"""The reliability table that `make test` and `make soak` print: one line per property and run, its checks
added up, its violations (all 0 when the run holds), the loads that exercised it."""

from __future__ import annotations

from typing import Any


def table_lines(rows: list[dict[str, Any]]) -> list[str]:
    """``rows``: {property, run, checks, violations, load} each, several per property allowed."""
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        line = merged.setdefault((row["property"], row["run"]), {"checks": 0, "loads": [], "violations": 0})
        line["checks"] += row["checks"]
        line["violations"] += row["violations"]
        if row["load"] and row["load"] not in line["loads"]:
            line["loads"].append(row["load"])
    width = max(len(name) for name, _ in merged)
    lines = [
        f"{'property':<{width}} | {'violations':>10} | {'checks':>6} | {'run':<16} | load",
        f"{'-' * width}-+-{'-' * 10}-+-{'-' * 6}-+-{'-' * 16}-+-{'-' * 40}",
    ]
    for (name, run), line in sorted(merged.items()):
        loads = "; ".join(line["loads"])
        lines.append(f"{name:<{width}} | {line['violations']:>10} | {line['checks']:>6} | {run:<16} | {loads}")
    total = sum(line["violations"] for line in merged.values())
    lines.append(f"{len(merged)} properties measured, {total} violations")
    return lines
