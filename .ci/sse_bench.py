#!/usr/bin/env python3
"""Live updates under load (part of `make bench`): holds N server-sent-event connections on one topic, measures the
server's extra memory for them, then posts replies through the API and times how long each takes to reach an open
stream (p50/p95). Usage: sse_bench.py BASE_URL TOPIC_ID SERVER_PID CONNECTIONS TOKEN...  (prints figures only)."""

import asyncio
import json
import resource
import sys
import time
import urllib.parse


def rss_mb(pid: str) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


async def open_stream(host: str, port: int, path: str):
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: text/event-stream\r\n\r\n".encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    if b" 200 " not in head.split(b"\r\n", 1)[0]:
        raise RuntimeError(head.decode(errors="replace"))
    await reader.readuntil(b": connected\n\n")
    return reader, writer


async def post_reply(host: str, port: int, topic: str, token: str, text: str) -> int:
    body = json.dumps({"body": text}).encode()
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(
        (f"POST /api/v1/topics/{topic}/posts HTTP/1.1\r\nHost: {host}:{port}\r\nAuthorization: Bearer {token}\r\n"
         f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode() + body)
    await writer.drain()
    raw = await reader.read()
    writer.close()
    status = raw.split(b"\r\n", 1)[0]
    if b" 201 " not in status:
        raise RuntimeError(raw[:300].decode(errors="replace"))
    return json.loads(raw.split(b"\r\n\r\n", 1)[1].decode())["id"]


async def main() -> None:
    base, topic, pid, count, tokens = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5:]
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, count + 256)), hard))
    url = urllib.parse.urlparse(base)
    host, port = url.hostname, url.port or 80
    path = f"/api/v1/stream?topic={topic}"
    before = rss_mb(pid)
    streams = []
    for i in range(0, count, 100):
        streams += await asyncio.gather(*(open_stream(host, port, path) for _ in range(min(100, count - i))))
    await asyncio.sleep(1)
    after = rss_mb(pid)
    print(f"   {len(streams)} SSE connections held: server RSS {before:.0f} MB -> {after:.0f} MB, "
          f"+{after - before:.1f} MB (budget: < 100 MB)")
    listener = streams[0][0]
    latencies = []
    for i in range(50):
        token = tokens[i % len(tokens)]
        t0 = time.perf_counter()
        post_id = await post_reply(host, port, topic, token, f"Live update benchmark reply number {i}, please ignore.")
        needle = f'"post_id":{post_id},'.encode()
        seen = b""
        while needle not in seen:
            seen += await asyncio.wait_for(listener.read(65536), timeout=10)
        latencies.append((time.perf_counter() - t0) * 1000)
        await asyncio.sleep(0.05)
    latencies.sort()
    p50, p95 = latencies[len(latencies) // 2], latencies[int(len(latencies) * 0.95) - 1]
    print(f"   reply -> open stream (POST sent to event read, 50 replies, {len(streams)} streams open): "
          f"p50 {p50:.1f} ms, p95 {p95:.1f} ms (budget: p95 < 200 ms)")
    for _, writer in streams:
        writer.close()


asyncio.run(main())
