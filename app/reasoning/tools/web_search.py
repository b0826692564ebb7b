"""Web search through a user-configured SearXNG instance (off until a URL is set)."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from app.reasoning.backend import ToolSpec
from app.reasoning.tools.base import Tool


def searxng_search(base_url: str, query: str, limit: int = 5, timeout_s: float = 8.0) -> list[dict[str, str]]:
    """Query SearXNG's JSON API (the instance must enable the json format)."""
    url = base_url.rstrip("/") + "/search?" + urllib.parse.urlencode({"q": query, "format": "json"})
    if urllib.parse.urlparse(url).scheme not in ("http", "https"):
        raise ValueError(f"web search URL {base_url!r} is not http(s); fix tools.searxng_url")
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as resp:
            data = json.loads(resp.read(2_000_000))
    except urllib.error.HTTPError as exc:
        if exc.code == 403:
            raise RuntimeError(f"the SearXNG instance at {base_url} refuses JSON results: add 'json' to "
                               f"search.formats in its settings.yml") from exc
        raise RuntimeError(f"web search at {base_url} answered {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, TimeoutError) as exc:
        raise RuntimeError(f"cannot reach web search at {base_url} ({getattr(exc, 'reason', exc)}); "
                           f"check tools.searxng_url") from exc
    except json.JSONDecodeError as exc:
        raise RuntimeError(f"{base_url} did not answer with SearXNG JSON; is it a SearXNG instance?") from exc
    return [{"title": r.get("title", ""), "url": r.get("url", ""), "snippet": r.get("content", "")[:300]}
            for r in data.get("results", [])[:limit]]


def web_search_tool(base_url: str | None) -> Tool:
    """web_search; says plainly that it is off when no SearXNG URL is configured."""

    async def handler(args: dict[str, Any]) -> dict[str, Any]:
        if not base_url:
            raise RuntimeError("web search is off: set tools.searxng_url to a SearXNG instance in the settings")
        return {"results": await asyncio.to_thread(searxng_search, base_url, str(args["query"]))}

    return Tool(ToolSpec("web_search", "Search the web for current information.",
                         {"type": "object",
                          "properties": {"query": {"type": "string", "minLength": 1, "maxLength": 200}},
                          "required": ["query"], "additionalProperties": False},
                         (("look up the weather in Paris", {"query": "weather Paris"}),)),
                handler, timeout_s=10.0)
