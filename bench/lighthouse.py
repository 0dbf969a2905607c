"""Lighthouse scores of the public pages (issue 16): mobile emulation, Debian's Chromium.

Serve a demo mall first (its own instance folder and port), then:

    npm install --prefix /tmp/lh lighthouse@12.2.3
    python bench/lighthouse.py http://127.0.0.1:5316 --lighthouse /tmp/lh/node_modules/.bin/lighthouse

It finds a brand, a product, a storefront and a live room from the home page and the demo's codes, runs
Lighthouse once per page and prints the four scores; --json DIR keeps the full reports.
"""
import argparse
import json
import re
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


def public_pages(base: str) -> dict[str, str]:
    home = urllib.request.urlopen(base + "/").read().decode()
    pages = {"home": "/", "order look-up": "/orders/find"}
    brand = re.search(r'href="(/b/[^"?#]+)"', home)
    product = re.search(r'href="(/p/[A-Z0-9]+)"', home)
    if brand:
        pages["brand"] = brand.group(1)
    if product:
        pages["product"] = product.group(1)
    # The demo's fixed codes (mall/demo.py, demo_live.py, demo_content.py): 孙悦's storefront, the live room, a
    # content item as opened from her link.
    for name, path in (("storefront", "/shop/SYTEA2"), ("live room", "/l/TEA2ZB"), ("scheduled room", "/l/TEA3YG"),
                       ("content item", "/c/CTSPRG2")):
        try:
            urllib.request.urlopen(base + path)
            pages[name] = path
        except OSError:
            pass  # a demo without that page: nothing to score
    return pages


def scores(lighthouse: str, chrome: str, url: str, keep: Path | None) -> dict[str, int]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        subprocess.run([lighthouse, url, "--quiet", "--output=json", f"--output-path={out}",
                        f"--chrome-path={chrome}", "--chrome-flags=--headless=new --no-sandbox",
                        "--form-factor=mobile", "--screenEmulation.mobile",
                        f"--only-categories={','.join(CATEGORIES)}"], check=True)
        report = json.loads(out.read_text())
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
            (keep / (re.sub(r"\W+", "_", url.split("//", 1)[1]) + ".json")).write_text(out.read_text())
    return {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("base", help="the served mall, e.g. http://127.0.0.1:5316")
    parser.add_argument("--lighthouse", default="lighthouse")
    parser.add_argument("--chrome", default="/usr/bin/chromium")
    parser.add_argument("--json", type=Path, default=None, help="keep the full reports here")
    args = parser.parse_args()
    base = args.base.rstrip("/")
    print(f"{'page':<16} {'perf':>5} {'a11y':>5} {'best':>5} {'seo':>5}  path")
    worst = 100
    for name, path in public_pages(base).items():
        got = scores(args.lighthouse, args.chrome, base + path, args.json)
        worst = min(worst, *got.values())
        print(f"{name:<16} {got['performance']:>5} {got['accessibility']:>5} {got['best-practices']:>5} "
              f"{got['seo']:>5}  {path}", flush=True)
    return 0 if worst >= 95 else 1


if __name__ == "__main__":
    sys.exit(main())
