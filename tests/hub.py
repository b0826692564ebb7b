"""A model hub on loopback for the download tests (the real hub is out of reach from test machines)."""

from __future__ import annotations

import http.server
import threading
from pathlib import Path


class Hub:
    """Serves ``root/<repo>/<file>`` as ``/<repo>/resolve/main/<file>``, like the model hub does."""

    def __init__(self, root: Path) -> None:
        self.root = root
        served = root

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                prefix, _, rest = self.path.partition("/resolve/main/")
                path = served / prefix.lstrip("/") / rest
                if not rest or not path.is_file():
                    self.send_error(404)
                    return
                data = path.read_bytes()
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
