"""The OpenAI-compatible backend against a real llama.cpp server on loopback, and falling back when it fails."""

from __future__ import annotations

import signal
import time
from pathlib import Path
from typing import Any

import keyring
import pytest

from app.reasoning.backend import Message, Request, collect
from app.reasoning.http_backend import HttpBackend, HttpSettings, discover_local_servers, store_api_key
from app.reasoning.reasoner import Notice, TokenFrame
from app.reasoning.tools.timers import TimerService, timer_tools
from tests.keyrings import MemoryKeyring
from tests.reasoning.conftest import Server, free_port


@pytest.mark.slow
def test_streaming_and_tool_call(server: Server) -> None:
    backend = HttpBackend(HttpSettings(server.base_url, "smollm2"), api_key="")
    events = list(backend.stream(Request((Message("user", "Count from one to ten."),), max_tokens=40)))
    tokens = [e for e in events if e.kind == "token"]
    assert len(tokens) > 3, events  # it really streamed, piece by piece
    assert events[-1].kind == "done"
    assert tokens[0].t_ns < events[-1].t_ns

    specs = tuple(t.spec for t in timer_tools(TimerService(autostart=False)) if t.name == "set_timer")
    comp = collect(backend, Request((Message("user", "Set a timer for 90 seconds."),), tools=specs,
                                    tool_choice="set_timer", max_tokens=60))
    assert comp.error is None
    assert len(comp.tool_calls) == 1
    call = comp.tool_calls[0]
    assert call.name == "set_timer" and call.parse_error is None
    assert isinstance(call.arguments.get("seconds"), (int, float))

    found = discover_local_servers(candidates=(("here", server.base_url), ("nobody", "http://127.0.0.1:9/v1")))
    assert [f["name"] for f in found] == ["here"] and found[0]["models"]


def test_unreachable_server_is_one_clear_error() -> None:
    backend = HttpBackend(HttpSettings(f"http://127.0.0.1:{free_port()}/v1"), api_key="")
    t0 = time.monotonic()
    comp = collect(backend, Request((Message("user", "hi"),)))
    assert comp.error and "Cannot reach the model" in comp.error
    assert time.monotonic() - t0 < 1.0


def _frames_until(worker: Any, pred: Any, timeout: float) -> tuple[Any, float]:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        for f in worker.drain():
            if pred(f):
                return f, time.monotonic()
        time.sleep(0.005)
    raise AssertionError("expected frame never came")


@pytest.mark.slow
def test_server_killed_mid_stream_notice_within_1s_then_fallback(
        server: Server, embedded_settings: dict[str, Any], make_worker: Any) -> None:
    settings = {**embedded_settings, "backend": "http",
                "http": {"base_url": server.base_url, "model": "smollm2", "fallback_to_embedded": True}}
    worker = make_worker(settings)
    tid = worker.submit("Tell me a long story about a ship on the sea.")
    _frames_until(worker, lambda f: isinstance(f, TokenFrame) and f.task_id == tid, 60)
    server.proc.kill()
    t_kill = time.monotonic()
    notice, t_notice = _frames_until(worker, lambda f: isinstance(f, Notice) and f.level == "error", 5)
    print(f"kill->notice {t_notice - t_kill:.3f} s")
    assert t_notice - t_kill < 1.0, t_notice - t_kill
    assert "model" in notice.text.lower()
    info = worker.wait(tid, 120)
    assert info is not None and info.state == "waiting_for_moment"
    result = worker.deliver_ready()[0].result
    assert result.reply.strip()  # the embedded model finished the job
    assert any("built-in model" in n for n in result.notices)


@pytest.mark.slow
def test_stalled_server_still_working_notice(server: Server, embedded_settings: dict[str, Any],
                                             make_worker: Any) -> None:
    """A hung server: 'still working' within about a second, then the error and the fallback."""
    settings = {**embedded_settings, "backend": "http", "notice_after_s": 0.8,
                "http": {"base_url": server.base_url, "connect_timeout_s": 2.5, "fallback_to_embedded": True}}
    worker = make_worker(settings)
    server.proc.send_signal(signal.SIGSTOP)
    try:
        t0 = time.monotonic()
        tid = worker.submit("what is the tallest mountain?")
        notice, t_notice = _frames_until(worker, lambda f: isinstance(f, Notice), 5)
        print(f"stall->notice {t_notice - t0:.3f} s")
        assert notice.text.startswith("Still working") and t_notice - t0 < 1.2
        info = worker.wait(tid, 120)
    finally:
        server.proc.send_signal(signal.SIGCONT)
    assert info is not None and info.state == "waiting_for_moment"
    result = worker.deliver_ready()[0].result
    assert result.reply.strip() and any("Cannot reach" in n or "stopped answering" in n for n in result.notices)


@pytest.mark.slow
def test_api_key_comes_from_the_keyring(gguf_path: Path, tmp_path: Path) -> None:
    srv = Server(gguf_path, tmp_path / "server.log", api_key="s3cret")
    previous = keyring.get_keyring()
    try:
        keyring.set_keyring(MemoryKeyring())
        no_key = collect(HttpBackend(HttpSettings(srv.base_url)), Request((Message("user", "hi"),), max_tokens=4))
        assert no_key.error and "401" in no_key.error and "keyring" in no_key.error
        store_api_key(srv.base_url, "s3cret")
        ok = collect(HttpBackend(HttpSettings(srv.base_url)), Request((Message("user", "hi"),), max_tokens=4))
        assert ok.error is None and ok.n_tokens > 0
    finally:
        keyring.set_keyring(previous)
        srv.stop()
