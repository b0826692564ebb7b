"""Assemble the reasoning tier from settings: backends, tools, timers, conversation and the worker."""

from __future__ import annotations

import atexit
from pathlib import Path
from typing import Any

from app.paths import data_dir as default_data_dir
from app.reasoning.backend import Backend, BackendError
from app.reasoning.clock import Clock, RealClock
from app.reasoning.context import Conversation
from app.reasoning.embedded_backend import EmbeddedBackend
from app.reasoning.http_backend import HttpBackend, HttpSettings
from app.reasoning.reasoner import Notice, Reasoner
from app.reasoning.tasks import TaskManager
from app.reasoning.tools.base import Confirm, Tool, ToolRunner
from app.reasoning.tools.calculator import calculator_tool
from app.reasoning.tools.camera import FrameSource, camera_tool
from app.reasoning.tools.documents import DocumentIndex, documents_tool
from app.reasoning.tools.mcp_client import McpHub, McpServerConfig
from app.reasoning.tools.notes import NotesStore, notes_tools
from app.reasoning.tools.panel_tool import panel_tool
from app.reasoning.tools.timers import TimerService, timer_tools
from app.reasoning.tools.web_search import web_search_tool
from app.reasoning.worker import ReasoningWorker

_EMBEDDED: dict[tuple[str, int], EmbeddedBackend] = {}


@atexit.register
def _free_embedded() -> None:
    for backend in _EMBEDDED.values():
        backend.close()


def embedded_backend(settings: dict[str, Any]) -> EmbeddedBackend:
    """One shared embedded backend per model path and thread count (the model loads once per process)."""
    emb = settings.get("embedded", {}) or {}
    path = emb.get("model_path")
    threads = int(emb.get("n_threads") or 0)
    key = (str(path or ""), threads)
    if key not in _EMBEDDED:
        _EMBEDDED[key] = EmbeddedBackend(Path(path) if path else None, threads or None, int(emb.get("n_ctx", 2048)))
    return _EMBEDDED[key]


def make_backends(settings: dict[str, Any]) -> tuple[Backend, Backend | None]:
    """The configured backend and the optional fallback; a bad server URL becomes a clear BackendError."""
    if settings.get("backend", "embedded") != "http":
        return embedded_backend(settings), None
    http = settings.get("http", {}) or {}
    if "api_key" in http:
        raise BackendError("API keys are not read from the settings file; store it in the OS keyring "
                           "(Settings → Speech and model → API key) and remove 'api_key' from the file.")
    if not http.get("base_url"):
        raise BackendError("No model server URL configured; set http.base_url or use the embedded model.")
    backend = HttpBackend(HttpSettings(http["base_url"], http.get("model", "default"), http.get("keyring_user"),
                                       float(http.get("connect_timeout_s", 3.0)),
                                       float(http.get("read_timeout_s", 60.0))))
    fallback = embedded_backend(settings) if http.get("fallback_to_embedded", True) else None
    return backend, fallback


def make_tools(settings: dict[str, Any], data_dir: Path, timers: TimerService, emit: Any,
               confirm: Confirm | None = None, frame_source: FrameSource | None = None) -> ToolRunner:
    """All tools, configured from the ``tools`` section of the settings."""
    cfg = settings.get("tools", {}) or {}
    docs_dir = cfg.get("documents_dir")
    index = DocumentIndex(data_dir, Path(docs_dir).expanduser()) if docs_dir else None
    tools: list[Tool] = [*timer_tools(timers), calculator_tool(), *notes_tools(NotesStore(data_dir)),
                         documents_tool(index), web_search_tool(cfg.get("searxng_url")),
                         camera_tool(cfg.get("camera_index"), data_dir, frame_source), panel_tool(emit)]
    return ToolRunner(tools, confirm=confirm)


def build_worker(settings: dict[str, Any] | None = None, *, data_dir: Path | None = None,
                 clock: Clock | None = None, confirm: Confirm | None = None,
                 frame_source: FrameSource | None = None) -> ReasoningWorker:
    """Build a ready worker; the scheduler keeps it for the life of the app.

    ``frame_source`` gives the camera tool the newest captured frame (the app passes its video ring).
    """
    settings = dict(settings or {})
    data_dir = Path(data_dir or settings.get("data_dir") or default_data_dir())
    data_dir.mkdir(parents=True, exist_ok=True)
    clock = clock or RealClock()
    backend, fallback = make_backends(settings)

    def factory(emit: Any) -> Reasoner:
        timers = TimerService(clock)
        runner = make_tools(settings, data_dir, timers, emit, confirm, frame_source)
        return Reasoner(backend, runner, timers, Conversation(clock), TaskManager(clock.monotonic),
                        fallback=fallback, notice_after_s=float(settings.get("notice_after_s", 1.0)),
                        model_timeout_s=float(settings.get("model_timeout_s", 120.0)), emit=emit)

    worker = ReasoningWorker(factory)
    servers = (settings.get("tools", {}) or {}).get("mcp_servers") or []
    if servers:
        attach_mcp(worker, [McpServerConfig.from_settings(s) for s in servers])
    return worker


def attach_mcp(worker: ReasoningWorker, servers: list[McpServerConfig], timeout_s: float = 30.0) -> McpHub:
    """Start the MCP servers on the worker's loop and add their tools; problems become notices."""
    hub = McpHub(servers)
    worker.mcp_hub = hub  # type: ignore[attr-defined]
    try:
        tools = worker.run(hub.connect(), timeout_s)
    except Exception as exc:  # noqa: BLE001 - reported to the user, never fatal
        hub.errors["*"] = f"MCP servers did not start: {exc}"
        tools = []
    for tool in tools:
        worker.reasoner.runner.add(tool)
    for message in hub.errors.values():
        worker.frames.put(Notice(message, "error"))
    return hub
