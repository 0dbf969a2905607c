"""A real local HTTP receiver for webhook tests: a thread running http.server, answering from a script."""
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    """Records every POST (headers, body); answers the next scripted status, then `default`."""

    def __init__(self, statuses=(), default: int = 200):
        self.statuses, self.default = list(statuses), default
        self.received: list[tuple[dict, bytes]] = []
        self.lock = threading.Lock()

    def answer(self) -> int:
        with self.lock:
            return self.statuses.pop(0) if self.statuses else self.default


@contextmanager
def running(receiver: Receiver):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            status = receiver.answer()
            with receiver.lock:
                receiver.received.append((dict(self.headers), body))
            self.send_response(status)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hooks"
    finally:
        server.shutdown()
        server.server_close()
