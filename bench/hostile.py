#!/usr/bin/env python3
"""Availability under hostile traffic, at full size (the integration tests run the same cases small).

    python3 bench/hostile.py                       # the JVM on PATH (JAVA_HOME if set)
    python3 bench/hostile.py --java /usr/lib/jvm/temurin-25-jdk-amd64 --java /usr/lib/jvm/java-17-openjdk-amd64
    python3 bench/hostile.py --no-build --only idle

Cases, each on a freshly started Mailforge (maildir storage, only 127.0.0.1 exempt from limits):
  idle       10,000 idle sessions from 1,000 addresses (10 each): the server's RSS before and with
             them open, and the heap after a full GC (SMTP_MAX_CONNECTIONS=13000, below stress).
  slowloris  5,000 sessions from 500 addresses that trickle one octet every 5 s inside a command
             line, SMTP_MAX_CONNECTIONS=6000 (stress mode on): a client from 127.0.0.1 connects
             and delivers 20 messages one after the other; time to its 220 and to its 250,
             and the RSS growth.
  load       not hostile: the cost of the thread model itself, 1 KB messages at concurrency 50
             for 20 s after 5,000 of warm-up (bench/loadclient.py; rate limits exempted for the
             client): msgs/s, p50/p99 ms, and the server's CPU seconds per 1,000 messages.
  hostile    ten parallel 50 MB hostile messages (BDAT, mbox storage): one line of '>' (the mboxrd
             quoting run), a 50 MB header block (the subject parser), 50 MB of '<' (HTML);
             -Xmx512m: every session gets an answer, the server stays healthy; heap after GC.

Each --java is one server JVM (Java 21+ runs sessions on virtual threads, Java 17 on platform
threads); with several, the cases alternate between them (A B A B). Results go to stdout and
bench/results/hostile-<time>.md, with the date and the machine.
"""
import argparse
import os
import resource
import selectors
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench  # noqa: E402  the shared helpers of bench/run.py

ROOT = bench.ROOT
WORK = Path(os.environ.get("BENCH_WORK", "/tmp/mailforge-hostile"))
SMTP_PORT = bench.PORTS["mailforge"]


def log(text):
    print(text, flush=True)


def env_for(java, extra):
    data = WORK / "mailforge"
    env = bench.mailforge_env()
    env.update({
        "SMTP_RATE_LIMIT_EXEMPT": "127.0.0.1/32",
        "SMTP_STORAGE_PATH": str(data / "mail"), "SMTP_DB_PATH": str(data / "smtp.db"),
        "SMTP_SPOOL_PATH": str(data / "spool"), "SMTP_QUEUE_PATH": str(data / "queue"),
        "JVM_ARGS": "-Xmx512m",
    })
    if java:
        env["JAVA_HOME"] = java
    env.update(extra)
    return env


def start(java, extra):
    if WORK.exists():
        subprocess.run(["rm", "-rf", str(WORK)], check=True)
    WORK.mkdir(parents=True)
    env = env_for(java, extra)
    started = time.monotonic()
    subprocess.run([str(bench.WLP / "bin" / "server"), "start", bench.SERVER], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    bench.wait_for_greeting(SMTP_PORT)
    log(f"  server up in {time.monotonic() - started:.1f} s ({java or 'default java'})")
    return env


def stop(env):
    subprocess.run([str(bench.WLP / "bin" / "server"), "stop", bench.SERVER], env=env, stdout=subprocess.DEVNULL)


def java_version(java):
    binary = Path(java) / "bin" / "java" if java else "java"
    out = subprocess.run([str(binary), "-version"], capture_output=True, text=True).stderr.splitlines()
    return out[0] if out else "?"


def address(n):
    """The n-th client address: 127.0.1.0 and up (127.0.0.x is left to the legitimate client)."""
    n += 256
    return f"127.0.{n // 256 % 256}.{n % 256}" if n < 65536 else f"127.{n // 65536}.{n // 256 % 256}.{n % 256}"


def open_sessions(count, per_address):
    sockets = []
    for i in range(count):
        s = socket.socket()
        s.bind((address(i // per_address), 0))
        s.settimeout(30)
        s.connect(("127.0.0.1", SMTP_PORT))
        sockets.append(s)
    greeted = 0
    for s in sockets:
        try:
            if s.recv(200).startswith(b"220"):
                greeted += 1
        except OSError:
            pass
    return sockets, greeted


def heap_after_gc(pid):
    return bench.heap_after_gc_mb(pid)


def healthy():
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{bench.HTTP_PORT}/health", timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return None


def command(sock, replies, line):
    """Sends one command line and returns the last line of its (possibly multi-line) reply."""
    sock.sendall(line + b"\r\n")
    reply = replies.readline()
    while reply[3:4] == b"-":
        reply = replies.readline()
    return reply


def legitimate_delivery(n=20):
    """One client from 127.0.0.1, n messages one after the other: seconds to 220 and to 250."""
    greetings, acks = [], []
    for i in range(n):
        t0 = time.monotonic()
        with socket.create_connection(("127.0.0.1", SMTP_PORT), timeout=60) as s:
            f = s.makefile("rb")
            assert f.readline().startswith(b"220"), "greeting"
            greetings.append(time.monotonic() - t0)
            for line in (b"EHLO legit.example", b"MAIL FROM:<a@elsewhere.example>", b"RCPT TO:<legit@bench.test>", b"DATA"):
                command(s, f, line)
            t1 = time.monotonic()
            s.sendall(b"Subject: legit %d\r\n\r\nhello\r\n.\r\n" % i)
            reply = f.readline()
            assert reply.startswith(b"250"), reply
            acks.append(time.monotonic() - t1)
            s.sendall(b"QUIT\r\n")
    return greetings, acks


def case_idle(java):
    env = start(java, {"SMTP_MAX_CONNECTIONS": "13000", "SMTP_MAX_CONNECTIONS_PER_IP": "10"})
    try:
        pid = bench.mailforge_pid()
        legitimate_delivery(5)  # the delivery path loaded once, as on any running server
        heap_before = heap_after_gc(pid)
        before = bench.rss_kb(pid)
        sockets, greeted = open_sessions(10_000, 10)
        time.sleep(3)
        during = bench.rss_kb(pid)
        heap_during = heap_after_gc(pid)
        greetings, acks = legitimate_delivery(5)
        for s in sockets:
            s.close()
        return {"sessions greeted": greeted, "RSS before MB": round(before / 1024), "RSS with sessions MB": round(during / 1024),
                "RSS growth MB": round((during - before) / 1024), "heap after GC before MB": heap_before,
                "heap after GC with sessions MB": heap_during,
                "legitimate 220 max s": round(max(greetings), 3), "legitimate 250 max s": round(max(acks), 3)}
    finally:
        stop(env)


def case_slowloris(java):
    env = start(java, {"SMTP_MAX_CONNECTIONS": "6000", "SMTP_MAX_CONNECTIONS_PER_IP": "10"})
    try:
        pid = bench.mailforge_pid()
        legitimate_delivery(5)
        before = bench.rss_kb(pid)
        sockets, greeted = open_sessions(5_000, 10)
        stop_trickle = threading.Event()
        closed = [0]

        def trickle():
            payload = b"EHLO trickle.example\r\nMAIL FROM:<slow@elsewhere.example>"
            position = 0
            while not stop_trickle.is_set():
                octet = payload[position % len(payload):position % len(payload) + 1]
                position += 1
                for s in list(sockets):
                    try:
                        s.send(octet)
                    except OSError:
                        closed[0] += 1
                        sockets.remove(s)
                stop_trickle.wait(5)

        thread = threading.Thread(target=trickle, daemon=True)
        thread.start()
        time.sleep(12)  # past the stress timeout: trickling sessions are not idle and stay
        greetings, acks = legitimate_delivery(20)
        during = bench.rss_kb(pid)
        stop_trickle.set()
        thread.join()
        held = len(sockets)
        for s in sockets:
            s.close()
        return {"sessions greeted": greeted, "sessions still held": held,
                "legitimate 220 median s": round(statistics.median(greetings), 3), "legitimate 220 max s": round(max(greetings), 3),
                "legitimate 250 median s": round(statistics.median(acks), 3), "legitimate 250 max s": round(max(acks), 3),
                "RSS growth MB": round((during - before) / 1024), "health": healthy()}
    finally:
        stop(env)


HOSTILE = {
    "quotes": lambda size: b">" * size,
    "header block": lambda size: (b"X-Filler: " + b"y" * 88 + b"\r\n") * (size // 100),
    "angle brackets": lambda size: b"Subject: html\r\nMIME-Version: 1.0\r\nContent-Type: text/html\r\n\r\n" + b"<" * size,
}


def bdat(kind, size, results):
    body = HOSTILE[kind](size)
    try:
        with socket.create_connection(("127.0.0.1", SMTP_PORT), timeout=300) as s:
            f = s.makefile("rb")
            f.readline()
            for line in (b"EHLO hostile.example", b"MAIL FROM:<h@elsewhere.example>", b"RCPT TO:<victim@bench.test>"):
                command(s, f, line)
            s.sendall(b"BDAT %d LAST\r\n" % len(body))
            s.sendall(body)
            results.append((kind, f.readline().decode().strip()))
    except OSError as e:
        results.append((kind, f"error: {e}"))


def case_hostile(java):
    env = start(java, {"SMTP_STORAGE_TYPE": "mbox", "SMTP_MAX_MESSAGE_SIZE": str(60 * 1024 * 1024)})
    try:
        pid = bench.mailforge_pid()
        results = []
        kinds = list(HOSTILE)
        threads = [threading.Thread(target=bdat, args=(kinds[i % len(kinds)], 50 * 1024 * 1024, results)) for i in range(10)]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - t0
        answers = sorted({f"{kind}: {reply[:40]}" for kind, reply in results})
        return {"answers": "; ".join(answers), "seconds for all ten": round(elapsed, 1), "health": healthy(),
                "heap after GC MB": heap_after_gc(pid), "RSS MB": round(bench.rss_kb(pid) / 1024),
                "server alive": Path(f"/proc/{pid}").exists()}
    finally:
        stop(env)


def case_load(java):
    env = start(java, {"SMTP_RATE_LIMIT_EXEMPT": "127.0.0.0/8", "SMTP_MAX_CONNECTIONS": "2000"})
    try:
        pid = bench.mailforge_pid()
        bench.load(SMTP_PORT, 50, count=5000)  # warm-up
        cpu = bench.cpu_seconds(pid)
        result = bench.load(SMTP_PORT, 50, seconds=20)
        used = bench.cpu_seconds(pid) - cpu
        return {"msgs/s": result["rate"], "p50 ms": result["p50_ms"], "p99 ms": result["p99_ms"],
                "server CPU s per 1000 msgs": round(1000 * used / max(1, result["acknowledged"]), 2)}
    finally:
        stop(env)


CASES = {"idle": case_idle, "slowloris": case_slowloris, "load": case_load, "hostile": case_hostile}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--java", action="append", help="JAVA_HOME of a server JVM (repeat to alternate)")
    parser.add_argument("--only", action="append", choices=list(CASES))
    parser.add_argument("--no-build", action="store_true")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if not args.no_build:
        log("building Mailforge and its Liberty server (mvn -DskipTests install)")
        bench.run(["mvn", "-q", "-B", "-DskipTests", "install"], cwd=ROOT)
        bench.run(["mvn", "-q", "-B", "-DskipTests", "-pl", "smtp-ear", "liberty:create", "liberty:deploy"], cwd=ROOT)
    javas = args.java or [os.environ.get("JAVA_HOME")]
    report = []
    for name in args.only or list(CASES):
        for java in javas:  # alternate the JVMs case by case
            log(f"{name} on {java_version(java)}")
            result = CASES[name](java)
            log(f"  {result}")
            report.append((name, java_version(java), result))
    stamp = time.strftime("%Y%m%d-%H%M%S")
    lines = [f"# Hostile traffic, {time.strftime('%Y-%m-%d %H:%M')} UTC", "",
             f"Machine: {os.cpu_count()} cores, {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') // 2**30} GiB; "
             "figures hold for this run only.", ""]
    for name, version, result in report:
        lines.append(f"## {name} ({version})")
        lines.extend(f"- {key}: {value}" for key, value in result.items())
        lines.append("")
    out = ROOT / "bench" / "results" / f"hostile-{stamp}.md"
    out.write_text("\n".join(lines))
    log(f"written to {out}")


if __name__ == "__main__":
    main()
