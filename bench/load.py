"""Drive one URL with wrk (Debian's package) from another process and read its latency distribution."""
import os
import re
import subprocess
import tempfile

SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("JSON {\\"requests\\": %d, \\"duration_us\\": %d, \\"connect\\": %d, \\"read\\": %d, "
    .. "\\"write\\": %d, \\"status\\": %d, \\"timeout\\": %d, \\"p50\\": %d, \\"p95\\": %d, \\"p99\\": %d, "
    .. "\\"max\\": %d}\\n",
    summary.requests, summary.duration, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max))
end
"""


def wrk(url: str, *, connections: int = 32, threads: int = 2, seconds: int = 10, headers=()) -> dict:
    """requests/s, p50/p95/p99 in ms and errors (sockets, timeouts and non-2xx/3xx answers)."""
    import json

    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(SCRIPT)
    try:
        command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", f.name]
        for header in headers:
            command += ["-H", header]
        out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(f.name)
    data = json.loads(re.search(r"^JSON (.*)$", out, re.M).group(1))
    seconds_run = data["duration_us"] / 1e6
    errors = data["connect"] + data["read"] + data["write"] + data["status"] + data["timeout"]
    return {"requests": data["requests"], "rps": round(data["requests"] / seconds_run, 1),
            "p50_ms": round(data["p50"] / 1000, 1), "p95_ms": round(data["p95"] / 1000, 1),
            "p99_ms": round(data["p99"] / 1000, 1), "max_ms": round(data["max"] / 1000, 1), "errors": errors}
