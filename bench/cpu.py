"""CPU per request in-process: `python -m bench.cpu DATABASE_URL [--requests 1000] [--profile name]`.

The web scenarios of bench.run through the Flask test client (no gunicorn, no sockets), on a database bench.run
prepared (its instance folder keeps `mall.db`), with the server's production settings. CPU time
(`time.process_time`) is far less disturbed by a shared machine than wall time. `--profile NAME` writes a
pyinstrument profile of that scenario to /tmp/bench-cpu-NAME.txt. `--fresh`: every request from a new visitor
who only carries the share link's `vid` cookie (no session), as each of wrk's requests does; without it one
visitor keeps its cookies.
"""
import argparse
import os
import sys
import time

from bench.run import SERVER_ENV, scenarios

BASE = "http://127.0.0.1:9300"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("database")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--profile", nargs="*", default=[])
    parser.add_argument("--only", nargs="*", help="scenario names to run (default: all)")
    parser.add_argument("--fresh", action="store_true", help="a new visitor (no session cookie) for every request")
    args = parser.parse_args(argv)
    os.environ.update({**SERVER_ENV, "DATABASE_URL": args.database, "PUBLIC_BASE_URL": BASE,
                       "MALL_INSTANCE_PATH": os.path.dirname(args.database.split("///", 1)[-1]) or "/tmp"})
    from bench.probe import targets
    from mall import create_app
    from mall.extensions import db

    # bench.run imports the mall (bench.dataset), so its Config was read before this environment was set.
    app = create_app({**SERVER_ENV, "DATABASE_URL": args.database, "PUBLIC_BASE_URL": BASE})
    with app.app_context():
        found = targets()
        db.session.remove()
    client = app.test_client()
    share = client.get(f"/p/{found['product']}/{found['partner']}", base_url=BASE)
    cookie = next((c for c in share.headers.getlist("Set-Cookie") if c.startswith("vid=")), "").split(";")[0]
    for name, path, headers, _target in scenarios(found, cookie):
        if args.only and name not in args.only:
            continue
        visitor = app.test_client(use_cookies=not args.fresh)
        sent = {"Cookie": cookie} if args.fresh and headers and cookie else {}
        if headers and cookie and not args.fresh:
            cookie_name, value = cookie.split("=", 1)
            visitor.set_cookie(cookie_name, value, domain="127.0.0.1")
        status = visitor.get(path, base_url=BASE, headers=sent).status_code
        for _ in range(20):  # warm: templates compiled, the cache filled
            visitor.get(path, base_url=BASE, headers=sent)
        started = time.process_time()
        for _ in range(args.requests):
            visitor.get(path, base_url=BASE, headers=sent)
        per = (time.process_time() - started) / args.requests * 1000
        print(f"{name:12} {path:28} {status}  {per:6.3f} ms CPU per request", flush=True)
        if name in args.profile:
            from pyinstrument import Profiler

            with Profiler(interval=0.0001) as profiler:
                for _ in range(min(args.requests, 300)):
                    visitor.get(path, base_url=BASE, headers=sent)
            with open(f"/tmp/bench-cpu-{name}.txt", "w") as out:
                out.write(profiler.output_text(unicode=True, show_all=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
