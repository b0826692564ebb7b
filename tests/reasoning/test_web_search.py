"""Web search against an HTTP server on loopback that answers the way SearXNG's JSON API does."""

import asyncio
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from app.reasoning.tools.web_search import searxng_search, web_search_tool
from tests.reasoning.conftest import free_port


class SearxHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        q = parse_qs(urlparse(self.path).query)
        if q.get("format") != ["json"] or q.get("q") == ["json-disabled"]:
            self.send_error(403)
            return
        if q.get("q") == ["broken"]:
            body = b"<html>not json</html>"
        else:
            results = [{"title": f"Result {i} for {q['q'][0]}", "url": f"https://example.org/{i}",
                        "content": "x" * 400} for i in range(8)]
            body = json.dumps({"query": q["q"][0], "results": results}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def searx() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), SearxHandler)
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_results_are_parsed_limited_and_trimmed(searx):
    results = searxng_search(searx, "tandem bicycles", limit=5)
    assert len(results) == 5
    assert results[0]["title"] == "Result 0 for tandem bicycles" and results[0]["url"] == "https://example.org/0"
    assert len(results[0]["snippet"]) == 300


def test_tool_is_off_until_configured_and_errors_are_clear(searx):
    with pytest.raises(RuntimeError, match="web search is off"):
        asyncio.run(web_search_tool(None).handler({"query": "x"}))
    out = asyncio.run(web_search_tool(searx).handler({"query": "weather"}))
    assert len(out["results"]) == 5
    with pytest.raises(RuntimeError, match="did not answer with SearXNG JSON"):
        searxng_search(searx, "broken")
    with pytest.raises(RuntimeError, match="refuses JSON results"):
        searxng_search(searx, "json-disabled")
    with pytest.raises(RuntimeError, match="cannot reach web search"):
        searxng_search(f"http://127.0.0.1:{free_port()}", "anything", timeout_s=2)
    with pytest.raises(ValueError, match="not http"):
        searxng_search("ftp://example.org", "x")
