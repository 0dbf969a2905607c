"""The ceiling: a bare Flask app returning one static page, served under the same gunicorn configuration as the
mall, so the mall's requests/s can be read as a ratio of what Flask and gunicorn give on this machine.

    BENCH_CEILING_BYTES=21000 gunicorn -c gunicorn.conf.py bench.ceiling:app
"""
import os

from flask import Flask, Response

# The page's size is the product page's, measured by bench.run just before (the default is the 21 KB).
SIZE = int(os.environ.get("BENCH_CEILING_BYTES", 21_000))
BODY = ("<!doctype html><html><body>" + "x" * max(SIZE - 42, 0) + "</body></html>").encode()

app = Flask(__name__)


@app.get("/", defaults={"path": ""})
@app.get("/<path:path>")
def page(path: str) -> Response:
    return Response(BODY, mimetype="text/html")
