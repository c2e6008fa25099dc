"""workerapp is a WSGI app for skewer's end-to-end tests (standard library only).

Every response names the worker that served it: its PID in the body and in an
X-Worker-PID header, so that a test can count requests per worker without
trusting the access log. /work?ms=N burns about N milliseconds of CPU first,
so that busy workers have CPU time to account.
"""

import os
import time
from urllib.parse import parse_qs

MAX_MS = 1000


def burn(ms):
    """Spin on the CPU (not sleep) for about ms milliseconds of CPU time."""
    end = time.process_time() + ms / 1000.0
    n = 0
    while time.process_time() < end:
        n += 1
    return n


def app(environ, start_response):
    pid = str(os.getpid())
    if environ.get("PATH_INFO") == "/work":
        query = parse_qs(environ.get("QUERY_STRING", ""))
        try:
            ms = int(query.get("ms", ["0"])[0])
        except ValueError:
            start_response("400 Bad Request", [("Content-Type", "text/plain")])
            return [b"ms: want an integer\n"]
        burn(max(0, min(ms, MAX_MS)))
    body = (pid + "\n").encode("ascii")
    start_response("200 OK", [
        ("Content-Type", "text/plain"),
        ("Content-Length", str(len(body))),
        ("X-Worker-PID", pid),
    ])
    return [body]
