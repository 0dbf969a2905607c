"""How long a share poster takes: drawn (cold: picture decoded, text laid out, QR drawn, PNG encoded, stored) and
read back from the cache (the media store). No database needed; run from the repository root:

    .venv/bin/python bench/poster_timing.py            # 20 posters each way, a local media store in a temp dir
"""
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mall.media.local_store import LocalStore  # noqa: E402
from mall.sharing.poster import PosterContent  # noqa: E402
from mall.sharing.posters import poster  # noqa: E402

PICTURE = Path(__file__).resolve().parent.parent / "static" / "demo" / "product-01.png"


def main(runs: int = 20) -> None:
    store = LocalStore(tempfile.mkdtemp(prefix="posters-"))
    picture = PICTURE.read_bytes()
    cold, warm = [], []
    for n in range(runs):
        content = PosterContent(title=f"武夷岩茶 大红袍 礼盒装 第{n}批", url=f"https://mall.example/p/ABC2345/XY{n:04d}",
                                partner_name="李娜", recommended="李** 推荐", scan_hint="长按识别二维码",
                                price_fen=12800 + n, was_fen=15800)
        for times in (cold, warm):
            start = time.perf_counter()
            result = poster(store, subject="product:1", partner_id=n, language="zh_CN", content=content,
                            image_path="demo/product-01.png", load_image=lambda: picture)
            times.append(time.perf_counter() - start)
        assert not result.drawn
    for name, times in (("cold (drawn and stored)", cold), ("cached (read back)", warm)):
        print(f"{name:26s} median {statistics.median(times) * 1000:6.1f} ms   max {max(times) * 1000:6.1f} ms"
              f"   ({runs} posters)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
