"""configurable-http-proxy: the npm package (node) against the PyPI Python port, side by side.

Start time until the proxy answers, RSS when idle, and latency of proxied
GETs (sequential and 20 concurrent) to a tiny backend on 127.0.0.1 — the
traffic a class puts through the proxy (page loads, contents and kernel
API calls; websockets excluded).

Then what a class start does to each: a kernel websocket whose
handshake takes 25 s (the server waits for the kernel's first reply; on 2
loaded cores that is slow) and 80 concurrent 3-s requests, with the port's
defaults and with the command `hub up` writes.

    python bench/bench_proxy.py [--node-proxy PATH] [--python-proxy PATH] [--requests 400]
"""
from __future__ import annotations

import argparse
import asyncio
import http.server
import os
import socket
import statistics
import subprocess
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        body = b'{"ok": true}' * 50
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


def rss_mb(pid: int) -> float:
    total = 0
    for p in [pid] + [int(c) for c in open(f"/proc/{pid}/task/{pid}/children").read().split()]:
        for line in open(f"/proc/{p}/status"):
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


def measure(cmd: str, n: int, backend: int) -> dict:
    port, api = free_port(), free_port()
    t0 = time.perf_counter()
    proc = subprocess.Popen([cmd, "--ip", "127.0.0.1", "--port", str(port), "--api-ip", "127.0.0.1",
                             "--api-port", str(api), "--default-target", f"http://127.0.0.1:{backend}"],
                            env=dict(os.environ, CONFIGPROXY_AUTH_TOKEN="bench"),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/user/x/api/contents"
    try:
        while True:
            try:
                urllib.request.urlopen(url, timeout=1).read()
                break
            except OSError:
                if time.perf_counter() - t0 > 30:
                    raise RuntimeError(f"{cmd} did not start")
                time.sleep(0.05)
        start = time.perf_counter() - t0
        idle = rss_mb(proc.pid)

        def one(_):
            t = time.perf_counter()
            urllib.request.urlopen(url, timeout=10).read()
            return (time.perf_counter() - t) * 1000

        seq = [one(i) for i in range(n)]
        t = time.perf_counter()
        with ThreadPoolExecutor(20) as pool:
            conc = list(pool.map(one, range(n)))
        rate = n / (time.perf_counter() - t)
        return {"start_s": start, "rss_mb": idle, "p50_ms": statistics.median(seq),
                "p95_ms": sorted(seq)[int(0.95 * n) - 1], "conc_p95_ms": sorted(conc)[int(0.95 * n) - 1],
                "req_per_s": rate, "rss_after_mb": rss_mb(proc.pid)}
    finally:
        proc.terminate()
        proc.wait(10)


def class_start(cmd: list[str], delay: float = 25.0) -> str:
    """Slow websocket handshake and 80 concurrent slow requests through the proxy started by ``cmd``."""
    from tornado import httpclient, web, websocket

    class SlowSocket(websocket.WebSocketHandler):
        async def get(self, *a):
            await asyncio.sleep(delay)
            return await super().get(*a)

        def on_message(self, m):
            self.write_message(m)

    class SlowGet(web.RequestHandler):
        async def get(self):
            await asyncio.sleep(3)
            self.write("ok")

    async def run() -> str:
        backend, port = free_port(), free_port()
        web.Application([(r"/ws", SlowSocket), (r"/slow", SlowGet)]).listen(backend, "127.0.0.1")
        proc = subprocess.Popen(cmd + ["--ip", "127.0.0.1", "--port", str(port), "--api-ip", "127.0.0.1",
                                       "--api-port", str(free_port()), "--default-target",
                                       f"http://127.0.0.1:{backend}"],
                                env=dict(os.environ, CONFIGPROXY_AUTH_TOKEN="bench"),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.perf_counter() + 60
            while True:  # until the proxy listens
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if time.perf_counter() > deadline:
                        raise RuntimeError(f"{cmd[0]} did not start") from None
                    await asyncio.sleep(0.2)
            t = time.perf_counter()
            try:
                ws = await websocket.websocket_connect(httpclient.HTTPRequest(
                    f"ws://127.0.0.1:{port}/ws", connect_timeout=300, request_timeout=300))
                ws.write_message("hi")
                await ws.read_message()
                sock = f"open after {time.perf_counter() - t:.1f} s"
            except Exception as exc:  # noqa: BLE001 - the failure is the figure
                sock = f"{exc} after {time.perf_counter() - t:.1f} s"
            client = httpclient.AsyncHTTPClient(max_clients=200)
            t = time.perf_counter()
            rs = await asyncio.gather(*[client.fetch(f"http://127.0.0.1:{port}/slow", raise_error=False,
                                                     connect_timeout=300, request_timeout=300)
                                        for _ in range(80)])
            ok = sum(r.code == 200 for r in rs)
            return f"websocket {sock}; 80 requests: {ok} ok, {80 - ok} failed, {time.perf_counter() - t:.1f} s"
        finally:
            proc.terminate()
            proc.wait(10)

    return asyncio.run(run())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--node-proxy", default="/tmp/chp-node/node_modules/.bin/configurable-http-proxy",
                    help="npm install --prefix /tmp/chp-node configurable-http-proxy@5.3.0")
    ap.add_argument("--python-proxy", default="/opt/kefu-hub/venv/bin/configurable-http-proxy")
    ap.add_argument("--requests", type=int, default=400)
    a = ap.parse_args()
    backend = free_port()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", backend), Hello)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    rows = [("npm 5.3.0 (node)", a.node_proxy), ("PyPI 0.4.0 (Python)", a.python_proxy)]
    print(f"{'proxy':22} {'start s':>8} {'RSS MB':>7} {'p50 ms':>7} {'p95 ms':>7} {'20-conc p95':>12} {'req/s':>7}")
    for name, cmd in rows:
        if not os.path.exists(cmd):
            print(f"{name:22} (not installed: {cmd})")
            continue
        m = measure(cmd, a.requests, backend)
        print(f"{name:22} {m['start_s']:8.2f} {m['rss_mb']:7.0f} {m['p50_ms']:7.2f} {m['p95_ms']:7.2f} "
              f"{m['conc_p95_ms']:12.2f} {m['req_per_s']:7.0f}")
    server.shutdown()
    if os.path.exists(a.python_proxy):
        from autograder.hub.hubconfig import HubSettings, render
        from autograder.hub.layout import ClassLayout

        from traitlets.config import Config

        c = Config()
        venv = Path(a.python_proxy).parents[1]
        text = render(ClassLayout("bench", venv=venv), HubSettings(8000, 8001, 8002, "t", {}))
        exec(compile(text, "jupyterhub_config.py", "exec"), {"get_config": lambda: c})
        print("\nclass start through the proxy (25-s kernel handshake; 80 concurrent 3-s requests):")
        if os.path.exists(a.node_proxy):
            print(f"  npm 5.3.0, its defaults:             {class_start([a.node_proxy])}")
        print(f"  PyPI port, defaults (20 s, 10 busy): {class_start([a.python_proxy])}")
        print(f"  PyPI port as `hub up` starts it:     {class_start(c.ConfigurableHTTPProxy.command)}")


if __name__ == "__main__":
    main()
