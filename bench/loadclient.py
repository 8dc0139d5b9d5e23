#!/usr/bin/env python3
"""A small SMTP load client for the benchmark (asyncio, raw sockets, no smtplib overhead).

Each of --concurrency sessions sends messages one after another on its own connection
(EHLO once, then MAIL/RCPT/DATA per message, as a submission client or MX peer keeps a
connection). It measures the time from the end of DATA (the "." line sent) to the 250, and
writes the Message-ID of every message whose 250 it saw to --acked (one per line, flushed at
once), which the durability run compares with what is in storage after a kill -9.

Prints one JSON line: sent, acknowledged, failed, seconds, rate, p50_ms, p99_ms.
"""
import argparse
import asyncio
import json
import os
import time


async def read_reply(reader):
    """One complete SMTP reply; returns (code, text)."""
    lines = []
    while True:
        line = await reader.readline()
        if not line:
            raise ConnectionError("connection closed")
        lines.append(line.decode("latin-1").rstrip("\r\n"))
        if len(line) < 4 or line[3:4] != b"-":
            return int(lines[-1][:3]), "\n".join(lines)


async def session(number, args, body, counter, latencies, acked, stats, deadline):
    reader, writer = await asyncio.open_connection(args.host, args.port)
    try:
        await read_reply(reader)
        writer.write(b"EHLO load.bench.test\r\n")
        await read_reply(reader)
        while True:
            if counter[0] >= args.count or (deadline and time.monotonic() > deadline):
                break
            counter[0] += 1
            message_id = "<%d.%d.%d@load.bench.test>" % (os.getpid(), number, counter[0])
            recipient = b"user%d@bench.test" % (counter[0] % args.recipients)
            writer.write(b"MAIL FROM:<load@client.test>\r\nRCPT TO:<" + recipient + b">\r\nDATA\r\n")
            codes = [(await read_reply(reader))[0] for _ in range(3)]
            if codes != [250, 250, 354]:
                stats["failed"] += 1
                writer.write(b"RSET\r\n")
                await read_reply(reader)
                continue
            writer.write(b"Message-ID: " + message_id.encode() + b"\r\n" + body + b".\r\n")
            started = time.perf_counter()
            await writer.drain()
            code, _ = await read_reply(reader)
            elapsed = time.perf_counter() - started
            if code == 250:
                latencies.append(elapsed)
                stats["acknowledged"] += 1
                if acked:
                    acked.write(message_id + "\n")
                    acked.flush()
            else:
                stats["failed"] += 1
        writer.write(b"QUIT\r\n")
        await writer.drain()
    except (ConnectionError, OSError):
        stats["broken"] += 1
    finally:
        writer.close()


def make_body(size):
    header = b"From: <load@client.test>\r\nTo: <user@bench.test>\r\nSubject: load\r\n\r\n"
    line = b"x" * 76 + b"\r\n"
    lines = max(1, (size - len(header)) // len(line))
    return header + line * lines


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--size", type=int, default=1024)
    parser.add_argument("--seconds", type=float, default=0, help="stop after this long (0: after --count)")
    parser.add_argument("--acked", help="file to append acknowledged Message-IDs to")
    parser.add_argument("--recipients", type=int, default=1000,
                        help="spread messages over this many mailboxes (one maildir of 500,000 files slows any server)")
    args = parser.parse_args()
    body = make_body(args.size)
    counter = [0]
    latencies = []
    stats = {"acknowledged": 0, "failed": 0, "broken": 0}
    acked = open(args.acked, "a") if args.acked else None
    started = time.perf_counter()
    deadline = time.monotonic() + args.seconds if args.seconds else None
    await asyncio.gather(*(session(i, args, body, counter, latencies, acked, stats, deadline)
                           for i in range(args.concurrency)), return_exceptions=True)
    seconds = time.perf_counter() - started
    latencies.sort()

    def percentile(p):
        return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000, 2) if latencies else None

    print(json.dumps({"sent": counter[0], "acknowledged": stats["acknowledged"], "failed": stats["failed"],
                      "broken_sessions": stats["broken"], "seconds": round(seconds, 3),
                      "rate": round(stats["acknowledged"] / seconds, 1), "p50_ms": percentile(0.50),
                      "p99_ms": percentile(0.99)}))


if __name__ == "__main__":
    asyncio.run(main())
