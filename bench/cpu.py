"""CPU per request in-process: `python -m bench.cpu DATABASE_URL [--requests 1000] [--profile name]`.

The web scenarios of bench.run through the Flask test client (no gunicorn, no sockets), on a database bench.run
prepared (its instance folder keeps `mall.db`), with the server's production settings. CPU time
(`time.process_time`) is far less disturbed by a shared machine than wall time. `--profile NAME` writes a
pyinstrument profile of that scenario to /tmp/bench-cpu-NAME.txt.
"""
import argparse
import os
import sys
import time

from bench.run import SERVER_ENV, scenarios


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("database")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--profile", nargs="*", default=[])
    args = parser.parse_args(argv)
    os.environ.update({**SERVER_ENV, "DATABASE_URL": args.database, "PUBLIC_BASE_URL": "http://127.0.0.1:9300",
                       "MALL_INSTANCE_PATH": os.path.dirname(args.database.split("///", 1)[-1]) or "/tmp"})
    from bench.probe import targets
    from mall import create_app
    from mall.extensions import db

    app = create_app()
    with app.app_context():
        found = targets()
        db.session.remove()
    client = app.test_client()
    share = client.get(f"/p/{found['product']}/{found['partner']}")
    cookie = next((c for c in share.headers.getlist("Set-Cookie") if c.startswith("vid=")), "").split(";")[0]
    for name, path, headers, _target in scenarios(found, cookie):
        visitor = app.test_client()
        if headers and cookie:
            visitor.set_cookie(*cookie.split("=", 1))
        environ = {}
        status = visitor.get(path, environ_base=environ).status_code
        for _ in range(20):  # warm: templates compiled, the cache filled
            visitor.get(path, environ_base=environ)
        started = time.process_time()
        for _ in range(args.requests):
            visitor.get(path, environ_base=environ)
        per = (time.process_time() - started) / args.requests * 1000
        print(f"{name:12} {path:28} {status}  {per:6.3f} ms CPU per request", flush=True)
        if name in args.profile:
            from pyinstrument import Profiler

            with Profiler(interval=0.0001) as profiler:
                for _ in range(min(args.requests, 300)):
                    visitor.get(path, environ_base=environ)
            with open(f"/tmp/bench-cpu-{name}.txt", "w") as out:
                out.write(profiler.output_text(unicode=True, show_all=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
