"""One turn of background reasoning: intents first, then the model with the fitting tools, then the tools.

User-visible notices ("still working", "cannot reach the model") are emitted within ``notice_after_s``,
and a failed backend can fall back to the embedded one.
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from app.reasoning.backend import Backend, Completion, Message, Request, StreamEvent, ToolCall
from app.reasoning.context import ContextPackage, Conversation, TaskNote, TimerNote
from app.reasoning.intents import detect
from app.reasoning.panels import column_hint, kind_for_request, table_width_hint
from app.reasoning.routing import confirmation, select_tools
from app.reasoning.tasks import TaskInfo, TaskManager, TaskResult
from app.reasoning.tools.base import ToolResult, ToolRunner
from app.reasoning.tools.panel_tool import panel_tool_spec_for
from app.reasoning.tools.timers import TimerService

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def without_repeats(reply: str) -> str:
    """``reply`` with every sentence it already said dropped, and an unfinished last one that only begins
    one of them (where the token limit cut a repeat short).

    A small model can fall into a loop ("I'm just a handy tool for any situation." ten times over);
    spoken aloud that is worse than useless, and the conversation would feed it back as context.
    """
    seen: list[str] = []
    kept = []
    sentences = _SENTENCE_END.split(reply.strip())
    for n, sentence in enumerate(sentences):
        key = " ".join(re.findall(r"[\w']+", sentence.lower()))
        cut_short = n == len(sentences) - 1 and not sentence.rstrip().endswith((".", "!", "?", "…"))
        if key and (key in seen or (cut_short and any(s.startswith(key) for s in seen))):
            continue
        seen.append(key)
        kept.append(sentence)
    return " ".join(kept)


PANEL_SYSTEM = ("You design small on-screen panels as JSON. Fill every field with real, correct facts about "
                "the request; keep cells short.")


@dataclass(frozen=True)
class Notice:
    """A user-facing status line: progress ("still working") or an error the user should see."""

    text: str
    level: Literal["info", "error"] = "info"
    t_ns: int = field(default_factory=time.monotonic_ns)


@dataclass(frozen=True)
class TokenFrame:
    """A streamed piece of the spoken reply, for captions and early speech."""

    task_id: str
    text: str
    t_ns: int = field(default_factory=time.monotonic_ns)


@dataclass(frozen=True)
class StopSpeech:
    """The user asked for quiet: flush speech, keep tasks."""

    t_ns: int = field(default_factory=time.monotonic_ns)


class Reasoner:
    """Runs turns on an asyncio loop; blocking model calls go to threads."""

    def __init__(self, backend: Backend, runner: ToolRunner, timers: TimerService, conversation: Conversation,
                 tasks: TaskManager, *, fallback: Backend | None = None, notice_after_s: float = 1.0,
                 model_timeout_s: float = 120.0, emit: Callable[[Any], None] = lambda frame: None) -> None:
        self.backend = backend
        self.fallback = fallback
        self.runner = runner
        self.timers = timers
        self.conversation = conversation
        self.tasks = tasks
        self.notice_after_s = notice_after_s
        self.model_timeout_s = model_timeout_s
        self.emit = emit

    # ---- model calls with a watchdog ----

    async def complete(self, request: Request, task_id: str = "", *, stream_reply: bool = False
                       ) -> tuple[Completion, list[Notice]]:
        """Run the request on the backend (falling back on failure) while emitting notices when slow or down."""
        notices: list[Notice] = []
        comp = await self._watched(self.backend, request, task_id, notices, stream_reply)
        if comp.error and self.fallback is not None and self.fallback is not self.backend:
            self._notice(notices, Notice("Switching to the built-in model.", "info"))
            comp = await self._watched(self.fallback, request, task_id, notices, stream_reply)
        return comp, notices

    def _notice(self, notices: list[Notice], notice: Notice) -> None:
        notices.append(notice)
        self.emit(notice)

    async def _watched(self, backend: Backend, request: Request, task_id: str, notices: list[Notice],
                       stream_reply: bool) -> Completion:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[StreamEvent | None] = asyncio.Queue()
        stop = threading.Event()

        def produce() -> None:
            try:
                for ev in backend.stream(request):
                    loop.call_soon_threadsafe(queue.put_nowait, ev)
                    if stop.is_set():
                        break
            except Exception as exc:  # noqa: BLE001 - reported to the user, never fatal
                loop.call_soon_threadsafe(queue.put_nowait, StreamEvent("error", f"Model failure: {exc}"))
            finally:
                loop.call_soon_threadsafe(queue.put_nowait, None)

        t0 = time.monotonic_ns()
        fut = loop.run_in_executor(None, produce)
        first: int | None = None
        parts: list[str] = []
        calls: list[ToolCall] = []
        error: str | None = None
        n = 0
        warned = False
        try:
            while True:
                waited = (time.monotonic_ns() - t0) / 1e9
                if waited > self.model_timeout_s:
                    error = f"The model took longer than {self.model_timeout_s:g} s; giving up on this request."
                    self._notice(notices, Notice(error, "error"))
                    break
                try:
                    ev = await asyncio.wait_for(queue.get(), timeout=self.notice_after_s)
                except TimeoutError:
                    if not warned:
                        warned = True
                        self._notice(notices, Notice("Still working on it…", "info"))
                    continue
                if ev is None:
                    break
                if ev.kind == "token":
                    first = first or ev.t_ns
                    n += 1
                    if ev.channel == "reply":
                        parts.append(ev.text)
                        if stream_reply:
                            self.emit(TokenFrame(task_id, ev.text))
                elif ev.kind == "tool_call" and ev.tool_call is not None:
                    first = first or ev.t_ns
                    calls.append(ev.tool_call)
                elif ev.kind == "error":
                    error = ev.text
                    self._notice(notices, Notice(ev.text, "error"))
        finally:
            stop.set()
        if error is None and fut.done() and fut.exception() is not None:
            error = str(fut.exception())
        total = (time.monotonic_ns() - t0) / 1e9
        return Completion("".join(parts), tuple(calls), error, None if first is None else (first - t0) / 1e9, total, n)

    # ---- turns ----

    async def run_turn(self, text: str, task_id: str = "", *, retracted: TaskInfo | None = None) -> TaskResult:
        """Handle one user request end to end; ``retracted`` is a task the caller already cancelled for it."""
        t0 = time.monotonic()
        timings: dict[str, float] = {}
        self.conversation.add_user(text)
        intent = detect(text)
        timings["intent_s"] = time.monotonic() - t0
        if intent is not None and intent.kind == "retract":
            cancelled = retracted or self.tasks.retract_others(task_id)
            reply = intent.confirmation if cancelled else "There was nothing to cancel."
            return self._result(reply, timings, t0, source="intent")
        if intent is not None and intent.kind == "stop_speech":
            self.emit(StopSpeech())
            return self._result("", timings, t0)
        if intent is not None and intent.tool_call is not None:
            results = await self.runner.run_many([intent.tool_call])
            timings["tools_s"] = time.monotonic() - t0 - timings["intent_s"]
            reply = " ".join(confirmation(r.name, r.ok, r.content, r.error) for r in results)
            return self._result(reply, timings, t0, [intent.tool_call], results, source="intent")
        names = select_tools(text, {s.name for s in self.runner.specs()})
        if names == ("show_panel",):
            return await self._panel_turn(text, task_id, timings, t0)
        if names:
            return await self._tool_turn(text, task_id, names, timings, t0)
        messages = tuple(self._context().to_messages())
        comp, notices = await self.complete(Request(messages, max_tokens=120, temperature=0.3), task_id,
                                            stream_reply=True)
        self._llm_timings(timings, comp)
        if comp.error:
            return self._result("", timings, t0, notices=notices, error=comp.error)
        return self._result(comp.text.strip(), timings, t0, notices=notices)

    async def _panel_turn(self, text: str, task_id: str, timings: dict[str, float], t0: float) -> TaskResult:
        """Ask the model for a panel under the kind's grammar; feed validation errors back once."""
        kind = kind_for_request(text)
        cols = column_hint(text) if kind in ("table", "chart") else []
        spec = panel_tool_spec_for(kind, table_width_hint(text), cols if kind == "table" else None,
                                   example=not cols)
        ctx = self._context()
        system = PANEL_SYSTEM
        if cols:
            system += f" Suggested columns: {', '.join(cols)}."
        messages: list[Message] = [Message("system", system + "\n" + ctx.situation()), Message("user", text)]
        notices: list[Notice] = []
        calls: list[ToolCall] = []
        results: list[ToolResult] = []
        for _attempt in range(2):
            comp, more = await self.complete(Request(tuple(messages), tools=(spec,), tool_choice="show_panel",
                                                     max_tokens=500, temperature=0.2), task_id)
            notices.extend(more)
            self._llm_timings(timings, comp)
            if comp.error or not comp.tool_calls:
                return self._result("", timings, t0, calls, results, notices=notices,
                                    error=comp.error or "the model produced no panel")
            call = comp.tool_calls[0]
            result = (await self.runner.run_many([call]))[0]
            calls.append(call)
            results.append(result)
            if result.ok:
                return self._result(confirmation("show_panel", True, None, None), timings, t0, calls, results,
                                    notices=notices)
            messages += [Message("assistant", tool_calls=(call,)),
                         Message("tool", result.for_model(), tool_call_id=call.id, name=call.name)]
        return self._result("I could not build that panel.", timings, t0, calls, results, notices=notices,
                            error=results[-1].error if results else None)

    async def _tool_turn(self, text: str, task_id: str, names: tuple[str, ...], timings: dict[str, float],
                         t0: float) -> TaskResult:
        """Let the model pick among the fitting tools, run them concurrently, then phrase the answer."""
        ctx = self._context()
        specs = self.runner.specs(names)
        choice = specs[0].name if len(specs) == 1 else "required"  # naming the tool works on every server
        comp, notices = await self.complete(Request(tuple(ctx.to_messages()), tools=specs, tool_choice=choice,
                                                    max_tokens=150, temperature=0.2), task_id)
        self._llm_timings(timings, comp)
        if comp.error:
            return self._result("", timings, t0, notices=notices, error=comp.error)
        tt = time.monotonic()
        results = await self.runner.run_many(comp.tool_calls)
        timings["tools_s"] = time.monotonic() - tt
        messages = list(ctx.to_messages()) + [Message("assistant", tool_calls=comp.tool_calls)] + [
            Message("tool", r.for_model(), tool_call_id=r.call_id, name=r.name) for r in results]
        messages.append(Message("user", "Answer my request in one or two sentences using those results."))
        final, more = await self.complete(Request(tuple(messages), max_tokens=100), task_id, stream_reply=True)
        reply = final.text.strip() or " ".join(confirmation(r.name, r.ok, r.content, r.error) for r in results)
        return self._result(reply, timings, t0, list(comp.tool_calls), results, notices=notices + more)

    def _context(self) -> ContextPackage:
        tasks = tuple(TaskNote(t.id, t.request, t.state) for t in self.tasks.active())
        timers = tuple(TimerNote(t.id, t.label, t.due_wall) for t in self.timers.pending())
        return self.conversation.build(tasks, timers)

    @staticmethod
    def _llm_timings(timings: dict[str, float], comp: Completion) -> None:
        if comp.first_token_s is not None and "first_token_s" not in timings:
            timings["first_token_s"] = comp.first_token_s
        timings["llm_s"] = timings.get("llm_s", 0.0) + comp.total_s
        timings["tokens"] = timings.get("tokens", 0) + comp.n_tokens
        decode_s = comp.total_s - (comp.first_token_s or 0.0)
        if decode_s > 0 and comp.n_tokens > 1:
            timings["tokens_per_s"] = (comp.n_tokens - 1) / decode_s  # decode rate, prompt time excluded

    def _result(self, reply: str, timings: dict[str, float], t0: float, calls: list[ToolCall] | None = None,
                results: list[ToolResult] | None = None, *, notices: list[Notice] | None = None,
                error: str | None = None, source: str = "model") -> TaskResult:
        timings["total_s"] = time.monotonic() - t0
        calls_out = []
        panels = []
        for call, res in zip(calls or [], results or [], strict=False):
            calls_out.append({"id": call.id, "name": call.name, "arguments": call.arguments, "source": source,
                              "ok": res.ok, "result": res.content if res.ok else None, "error": res.error})
            if res.ok and call.name == "show_panel" and isinstance(res.content, dict):
                panels.append(res.content["panel"])
        if error and not reply:
            reply = error
        reply = without_repeats(reply)
        if reply:
            self.conversation.add_assistant(reply)
        return TaskResult(reply, tuple(calls_out), tuple(panels), dict(timings),
                          tuple(n.text for n in notices or []), error)
