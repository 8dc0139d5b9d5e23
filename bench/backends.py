#!/usr/bin/env python3
"""Mailforge's five storage backends side by side: the same server, the same load, one backend
at a time (maildir, mbox, timeseries, database on SQLite, s3 against s3proxy on 127.0.0.1).

    python3 bench/backends.py                 # builds first (mvn -DskipTests install)
    python3 bench/backends.py --no-build --seconds 10

For each backend and message size (1 KB, 100 KB) at concurrency 10: accepted msgs/s and the
p50/p99 time from the end of DATA to the 250 (bench/loadclient.py), every 250 meaning durable in
that backend. s3proxy (filesystem provider) is the same jar the tests use; its disk writes are
not fsynced, so the S3 figure is the cost of the HTTP round trips, not of a real object store.
Writes bench/results/backends-<time>.md.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench  # noqa: E402  (the server start/stop helpers of the main benchmark)

S3_PORT = 2590
BACKENDS = ("maildir", "mbox", "timeseries", "database", "s3")


def s3proxy_jar():
    jar = bench.ROOT / "smtp-ear" / "target" / "s3proxy" / "s3proxy.jar"
    if not jar.exists():
        bench.run(["mvn", "-q", "-B", "-pl", "smtp-ear", "dependency:copy@s3proxy"], cwd=bench.ROOT)
    return jar


def start_s3proxy(work):
    buckets = work / "s3" / "buckets"
    (buckets / "bench").mkdir(parents=True, exist_ok=True)  # the filesystem provider: a bucket is a folder
    properties = work / "s3" / "s3proxy.properties"
    properties.write_text("\n".join([
        f"s3proxy.endpoint=http://127.0.0.1:{S3_PORT}", "s3proxy.authorization=aws-v2-or-v4",
        "s3proxy.identity=bench", "s3proxy.credential=bench-secret",
        "jclouds.provider=filesystem", f"jclouds.filesystem.basedir={buckets}", ""]))
    process = subprocess.Popen(["java", "-Xmx512m", "-jar", str(s3proxy_jar()), "--properties", str(properties)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            import socket
            socket.create_connection(("127.0.0.1", S3_PORT), timeout=1).close()
            return process
        except OSError:
            time.sleep(0.2)
    raise SystemExit("s3proxy did not start")


def settings(backend):
    env = {"SMTP_STORAGE_TYPE": backend}
    if backend == "s3":
        env.update({"SMTP_S3_BUCKET": "bench", "SMTP_S3_ENDPOINT": f"http://127.0.0.1:{S3_PORT}",
                    "SMTP_S3_ACCESS_KEY": "bench", "SMTP_S3_SECRET_KEY": "bench-secret"})
    return env


def load(size, seconds):
    result = subprocess.run([sys.executable, str(bench.ROOT / "bench" / "loadclient.py"), "--port",
                             str(bench.PORTS["mailforge"]), "--concurrency", "10", "--size", str(size),
                             "--seconds", str(seconds), "--count", "100000000"],
                            check=True, capture_output=True, text=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--backends", default=",".join(BACKENDS), help="comma-separated subset")
    args = parser.parse_args()
    if not args.no_build:
        bench.run(["mvn", "-q", "-B", "-DskipTests", "install"], cwd=bench.ROOT)
        bench.run(["mvn", "-q", "-B", "-DskipTests", "-pl", "smtp-ear", "liberty:create", "liberty:deploy"], cwd=bench.ROOT)
    rows = []
    for backend in args.backends.split(","):
        shutil.rmtree(bench.WORK / "mailforge", ignore_errors=True)
        shutil.rmtree(bench.WORK / "s3", ignore_errors=True)
        s3 = start_s3proxy(bench.WORK) if backend == "s3" else None
        saved = dict(os.environ)
        os.environ.update(settings(backend))
        try:
            bench.start_mailforge()
            load(1024, 3)  # warm-up: JIT, pools, the first files and rows
            for size in (1024, 102400):
                figures = load(size, args.seconds)
                rows.append((backend, size, figures))
                bench.log(f"{backend:10} {size // 1024:4} KB  {figures['rate']:8.0f} msgs/s"
                          f"  p50 {figures['p50_ms']:6.1f} ms  p99 {figures['p99_ms']:6.1f} ms  failed {figures['failed']}")
        finally:
            bench.stop_mailforge()
            os.environ.clear()
            os.environ.update(saved)
            if s3:
                s3.terminate()
                s3.wait()
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out = bench.ROOT / "bench" / "results" / f"backends-{stamp}.md"
    lines = [f"# Storage backends, {time.strftime('%Y-%m-%d %H:%M')} ({os.cpu_count()} cores), concurrency 10, "
             f"{args.seconds:.0f} s per cell", "", "| backend | size | msgs/s | p50 ms | p99 ms | failed |", "|---|---|---|---|---|---|"]
    for backend, size, f in rows:
        lines.append(f"| {backend} | {size // 1024} KB | {f['rate']:.0f} | {f['p50_ms']:.1f} | {f['p99_ms']:.1f} | {f['failed']} |")
    out.write_text("\n".join(lines) + "\n")
    bench.log(f"written {out}")


if __name__ == "__main__":
    main()
