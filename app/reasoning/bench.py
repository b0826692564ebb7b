"""Reasoning-tier benchmark: 20 varied requests, tool-call validity, latency, throughput, tool concurrency."""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from app.reasoning.backend import ToolCall, ToolSpec
from app.reasoning.runtime import build_worker
from app.reasoning.tools.base import Tool, ToolRunner

REQUESTS: tuple[tuple[str, str | None], ...] = (
    ("set a timer for 10 minutes", "set_timer"),
    ("remind me in 2 hours to water the plants", "set_timer"),
    ("wake me up at 6:45 am", "set_alarm"),
    ("what time is it", "get_time"),
    ("what is 2 to the power of 10", "calculate"),
    ("what's 15 times 12", "calculate"),
    ("calculate the square root of 144", "calculate"),
    ("note that the wifi password is on the fridge", "add_note"),
    ("what did I note about the wifi", "search_notes"),
    ("find the budget in my documents", "search_documents"),
    ("show me a table of the planets and their moons", "show_panel"),
    ("show me a chart of rainfall in spring, summer and autumn", "show_panel"),
    ("show me a list of things to pack for a beach trip", "show_panel"),
    ("display a progress bar for my download", "show_panel"),
    ("show me a summary card of my day", "show_panel"),
    ("set a timer for 45 seconds", "set_timer"),
    ("cancel the timers", "cancel_timers"),
    ("tell me a joke", None),
    ("what is the capital of France", None),
    ("never mind", None),
)


def concurrency_time(n: int = 3, sleep_s: float = 1.0) -> float:
    """Seconds for ``n`` tools that each sleep ``sleep_s`` to finish in one turn."""

    def sleepy(name: str) -> Tool:
        async def handler(args: dict[str, Any]) -> dict[str, Any]:
            await asyncio.sleep(sleep_s)
            return {"slept": sleep_s}

        return Tool(ToolSpec(name, "sleeps", {"type": "object"}), handler, timeout_s=sleep_s * 5)

    runner = ToolRunner([sleepy(f"slow{i}") for i in range(n)])
    t0 = time.monotonic()
    asyncio.run(runner.run_many([ToolCall(str(i), f"slow{i}", {}) for i in range(n)]))
    return time.monotonic() - t0


def bench(settings: dict[str, Any] | None = None) -> dict[str, Any]:
    """Run the 20 requests on the configured backend (embedded by default) and report the numbers."""
    with tempfile.TemporaryDirectory(prefix="tandem-bench-") as tmp:
        docs = Path(tmp) / "docs"
        docs.mkdir()
        (docs / "budget.md").write_text("Monthly budget: rent 900, food 300, transport 80.")
        cfg = {**(settings or {}), "tools": {**((settings or {}).get("tools") or {}), "documents_dir": str(docs)}}
        worker = build_worker(cfg, data_dir=Path(tmp) / "data")
        rows: list[dict[str, Any]] = []
        t_all = time.monotonic()
        try:
            for text, expected in REQUESTS:
                tid = worker.submit(text)
                worker.wait(tid, 300)
                got = {d.task_id: d.result for d in worker.deliver_ready()}.get(tid)
                calls = list(got.tool_calls) if got else []
                if expected is None:
                    valid = got is not None and not got.error and not calls and bool(got.reply.strip())
                else:
                    valid = any(c["name"] == expected and c["ok"] for c in calls)
                timings = dict(got.timings) if got else {}
                rows.append({"request": text, "expected": expected, "called": [c["name"] for c in calls],
                             "valid": valid, "source": calls[0]["source"] if calls else "model",
                             "total_s": round(timings.get("total_s", 0.0), 3),
                             "first_token_s": timings.get("first_token_s"),
                             "tokens_per_s": timings.get("tokens_per_s")})
        finally:
            worker.close()
        wall = time.monotonic() - t_all
    firsts = [r["first_token_s"] for r in rows if r["first_token_s"] is not None]
    rates = [r["tokens_per_s"] for r in rows if r["tokens_per_s"]]
    intent_rows = [r for r in rows if r["source"] == "intent"]
    return {
        "requests": len(rows),
        "valid": sum(r["valid"] for r in rows),
        "valid_tool_calls": sum(r["valid"] for r in rows if r["expected"]),
        "tool_requests": sum(1 for r in rows if r["expected"]),
        "valid_model_tool_calls": sum(r["valid"] for r in rows if r["expected"] and r["source"] == "model"),
        "model_tool_requests": sum(1 for r in rows if r["expected"] and r["source"] != "intent"),
        "first_token_s_median": round(statistics.median(firsts), 3) if firsts else None,
        "tokens_per_s_median": round(statistics.median(rates), 1) if rates else None,
        "intent_turn_s_max": round(max((r["total_s"] for r in intent_rows), default=0.0), 4),
        "concurrency_3x1s_s": round(concurrency_time(), 3),
        "wall_s": round(wall, 1),
        "rows": rows,
    }


if __name__ == "__main__":
    import json

    print(json.dumps(bench(), indent=2, default=str))
