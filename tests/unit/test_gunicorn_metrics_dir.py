"""gunicorn.conf.py empties the metrics directory of a previous run's samples when the server starts, and only those."""
import os
import runpy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_server_start_removes_old_samples_and_nothing_else(tmp_path, monkeypatch):
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    monkeypatch.setenv("MALL_ENV", "development")
    (tmp_path / "counter_4242.db").write_bytes(b"old")
    (tmp_path / "notes.txt").write_text("someone else's file")
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    conf["on_starting"](server=None)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_without_a_directory_configured_one_of_the_servers_own_is_used(tmp_path, monkeypatch):
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    monkeypatch.setenv("MALL_ENV", "development")
    runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert "mall-metrics-" in os.environ["PROMETHEUS_MULTIPROC_DIR"]
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR")  # runpy set it in this process: do not leak it to later tests
