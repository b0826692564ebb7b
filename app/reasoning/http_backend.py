"""OpenAI-compatible HTTP backend (Ollama, LM Studio, llama.cpp server, vLLM, hosted APIs), stdlib only.

Streams Server-Sent Events from ``/chat/completions``. The API key comes from the OS keyring, never
from the settings file.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from app.reasoning.backend import BackendError, Request, StreamEvent, ToolCall, parse_arguments

KEYRING_SERVICE = "tandem"
LOCAL_SERVERS = (("Ollama", "http://127.0.0.1:11434/v1"), ("LM Studio", "http://127.0.0.1:1234/v1"),
                 ("llama.cpp server", "http://127.0.0.1:8080/v1"))


def api_key_from_keyring(base_url: str, username: str | None = None) -> str | None:
    """Read the API key for a server from the OS keyring; None when absent or no keyring is available."""
    try:
        import keyring
        import keyring.errors
    except ImportError:
        return None
    try:
        return keyring.get_password(KEYRING_SERVICE, username or base_url)
    except Exception:  # noqa: BLE001 - reported to the user, never fatal
        return None


def store_api_key(base_url: str, key: str, username: str | None = None) -> None:
    """Save an API key in the OS keyring (what the settings dialog calls)."""
    import keyring

    keyring.set_password(KEYRING_SERVICE, username or base_url, key)


@dataclass(frozen=True)
class HttpSettings:
    """Where the server is and how long to wait for it."""

    base_url: str
    model: str = "default"
    keyring_user: str | None = None
    connect_timeout_s: float = 3.0
    read_timeout_s: float = 60.0


class HttpBackend:
    """Streams chat completions with tool calls from an OpenAI-compatible server."""

    def __init__(self, settings: HttpSettings, api_key: str | None = None) -> None:
        parsed = urllib.parse.urlparse(settings.base_url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise BackendError(f"The model server URL {settings.base_url!r} is not an http(s) URL; fix it in settings.")
        self.settings = settings
        self.name = f"http:{settings.model}@{settings.base_url}"
        self._key = api_key if api_key is not None else api_key_from_keyring(settings.base_url, settings.keyring_user)

    def _body(self, request: Request) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self.settings.model,
            "messages": [m.to_openai() for m in request.messages],
            "stream": True,
            "max_tokens": request.max_tokens,
            "temperature": request.temperature,
        }
        if request.tools:
            body["tools"] = [t.to_openai() for t in request.tools]
            if request.tool_choice in (None, "auto", "required", "none"):
                body["tool_choice"] = request.tool_choice or "auto"
            else:
                body["tool_choice"] = {"type": "function", "function": {"name": request.tool_choice}}
        if request.json_schema is not None:
            body["response_format"] = {"type": "json_object", "schema": request.json_schema}
        return body

    def stream(self, request: Request) -> Iterator[StreamEvent]:
        """POST the request and translate SSE chunks into events; failures become one ``error`` event."""
        url = self.settings.base_url.rstrip("/") + "/chat/completions"
        data = json.dumps(self._body(request)).encode()
        headers = {"Content-Type": "application/json", "Accept": "text/event-stream"}
        if self._key:
            headers["Authorization"] = f"Bearer {self._key}"
        req = urllib.request.Request(url, data=data, headers=headers, method="POST")
        where = self.settings.base_url
        try:
            resp = urllib.request.urlopen(req, timeout=self.settings.connect_timeout_s)
        except urllib.error.HTTPError as exc:
            detail = exc.read(300).decode("utf-8", "replace") if exc.fp else ""
            hint = " Check the API key in the keyring." if exc.code in (401, 403) else ""
            msg = f"The model server at {where} answered {exc.code} {exc.reason}.{hint} {detail}"
            yield StreamEvent("error", msg.strip())
            return
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            yield StreamEvent("error", f"Cannot reach the model at {where} ({reason}). Is the server running?")
            return
        try:
            if resp.fp is not None and hasattr(resp.fp, "raw"):
                with contextlib.suppress(AttributeError):
                    resp.fp.raw._sock.settimeout(self.settings.read_timeout_s)
            yield from self._read_sse(resp, where)
        finally:
            resp.close()

    def _read_sse(self, resp: Any, where: str) -> Iterator[StreamEvent]:
        calls: dict[int, dict[str, str]] = {}
        finished = False
        try:
            while True:
                line = resp.readline()
                if not line:
                    break
                line = line.strip()
                if not line.startswith(b"data:"):
                    continue
                payload = line[5:].strip()
                if payload == b"[DONE]":
                    finished = True
                    break
                try:
                    chunk = json.loads(payload)
                except ValueError:
                    continue
                if "error" in chunk:
                    yield StreamEvent("error", f"The model server at {where} reported: {str(chunk['error'])[:300]}")
                    return
                for choice in chunk.get("choices", []):
                    delta = choice.get("delta") or {}
                    if delta.get("content"):
                        yield StreamEvent("token", delta["content"])
                    for tc in delta.get("tool_calls") or []:
                        slot = calls.setdefault(int(tc.get("index", 0)), {"id": "", "name": "", "args": ""})
                        fn = tc.get("function") or {}
                        slot["id"] = tc.get("id") or slot["id"]
                        slot["name"] = fn.get("name") or slot["name"]
                        if fn.get("arguments"):
                            slot["args"] += fn["arguments"]
                            yield StreamEvent("token", fn["arguments"], channel="tool")
                    if choice.get("finish_reason"):
                        finished = True
        except TimeoutError:
            yield StreamEvent("error", f"The model at {where} stopped answering (no data for "
                                       f"{self.settings.read_timeout_s:g} s).")
            return
        except (OSError, http.client.HTTPException) as exc:
            yield StreamEvent("error", f"Lost the connection to the model at {where} ({type(exc).__name__}).")
            return
        if not finished:
            yield StreamEvent("error", f"Lost the connection to the model at {where} in the middle of a reply.")
            return
        for i in sorted(calls):
            slot = calls[i]
            args, err = parse_arguments(slot["args"])
            yield StreamEvent("tool_call", tool_call=ToolCall(slot["id"] or f"call_{i}", slot["name"], args,
                                                              slot["args"], err))
        yield StreamEvent("done")


def discover_local_servers(timeout_s: float = 0.3, candidates: tuple[tuple[str, str], ...] = LOCAL_SERVERS
                           ) -> list[dict[str, Any]]:
    """Find OpenAI-compatible servers on loopback (Ollama, LM Studio, llama.cpp) and list their models."""
    found = []
    for label, base in candidates:
        try:
            with urllib.request.urlopen(base + "/models", timeout=timeout_s) as resp:
                data = json.loads(resp.read(1_000_000))
        except (OSError, ValueError, urllib.error.URLError):
            continue
        models = [m.get("id", "") for m in data.get("data", []) if isinstance(m, dict)]
        found.append({"name": label, "base_url": base, "models": models})
    return found
