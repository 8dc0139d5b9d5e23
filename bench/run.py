#!/usr/bin/env python3
"""Mailforge benchmark: the server side by side with Postfix and Postfix's smtp-sink, same run,
same machine, same load generator (Postfix's smtp-source), each figure also as a ratio to Postfix.

    sudo python3 bench/run.py            # builds, installs Postfix if missing, runs everything
    python3 bench/run.py --quick         # one repetition, shorter cells (a smoke run)

Peers: Postfix (Debian, its own instance delivering to a maildir), Haraka 3.3.4 (npm, a small
queue plugin writing each message to a file, no fsync) and Postfix's smtp-sink (no storage).

Reports (bench/results/<time>.md and stdout): accepted and stored msgs/s for 1 KB and 100 KB at
concurrency 1, 10, 50 (medians of 3), p50/p99 end-of-DATA-to-250 latency at concurrency 10 (own
asyncio client, bench/loadclient.py), Mailforge's RSS, heap and CPU seconds per 1,000 messages,
the live heap after a full GC every 30 s during 5 minutes of steady load (--soak),
memory with 1,000 idle connections, start-up time to the first 220, and a durability run:
kill -9 under load at concurrency 50, restart, acknowledged messages vs messages found.
"""
import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = Path(os.environ.get("BENCH_WORK", "/tmp/mailforge-bench"))
WLP = ROOT / ".liberty" / "wlp"
SERVER = "mailforge"
PORTS = {"mailforge": 2525, "postfix": 2526, "smtp-sink": 2527, "haraka": 2528}
PEERS = ("postfix", "haraka", "smtp-sink")
HTTP_PORT = 2580


def log(text):
    print(text, flush=True)


def run(command, **kwargs):
    return subprocess.run(command, check=True, **kwargs)


def wait_for_greeting(port, timeout=180):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
                if s.recv(100).startswith(b"220"):
                    return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nothing answered 220 on port {port} within {timeout} s")


def count_files(folder):
    total = 0
    for _, _, files in os.walk(folder):
        total += len(files)
    return total


# ---------------------------------------------------------------- the servers

def mailforge_env():
    data = WORK / "mailforge"
    env = dict(os.environ)
    env.update({
        "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(PORTS["mailforge"]), "SMTP_SUBMISSION_PORT": "0",
        "SMTP_HEALTH_PORT": str(HTTP_PORT), "SMTP_METRICS_PORT": str(HTTP_PORT + 1),
        "SMTP_ADMIN_CONSOLE_PORT": str(HTTP_PORT + 2), "SMTP_ADMIN_PASSWORD": "bench-admin-password",
        "SMTP_ENABLE_AUTH": "false", "SMTP_LOCAL_DOMAINS": "bench.test",
        "SMTP_REJECT_UNKNOWN_RECIPIENTS": "false",  # 1,000 mailboxes without user accounts, as for Postfix
        "SMTP_DMARC_POLICY": "off",  # no sender checks (DNS), as Postfix and Haraka run here without milters or plugins
        "SMTP_RATE_LIMIT_EXEMPT": "127.0.0.0/8", "SMTP_MAX_CONNECTIONS": "2000",
        "SMTP_STORAGE_PATH": str(data / "mail"), "SMTP_DB_PATH": str(data / "smtp.db"),
        "SMTP_SPOOL_PATH": str(data / "spool"), "SMTP_QUEUE_PATH": str(data / "queue"),
        "JVM_ARGS": os.environ.get("BENCH_JVM_ARGS", "-Xmx512m"),
    })
    return env


def mailforge_pid():
    return int((WLP / "usr" / "servers" / ".pid" / f"{SERVER}.pid").read_text().strip())


def start_mailforge():
    started = time.monotonic()
    run([str(WLP / "bin" / "server"), "start", SERVER], env=mailforge_env(), stdout=subprocess.DEVNULL)
    wait_for_greeting(PORTS["mailforge"])
    return time.monotonic() - started


def stop_mailforge():
    subprocess.run([str(WLP / "bin" / "server"), "stop", SERVER], env=mailforge_env(), stdout=subprocess.DEVNULL)


def prepare(args):
    if not shutil.which("smtp-source"):
        log("installing Postfix (smtp-source, smtp-sink) from Debian")
        subprocess.run("echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections",
                       shell=True, check=False)
        run(["apt-get", "install", "-y", "-qq", "postfix"], env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
    if not args.no_build:
        log("building Mailforge and its Liberty server (mvn -DskipTests install)")
        run(["mvn", "-q", "-B", "-DskipTests", "install"], cwd=ROOT)
        run(["mvn", "-q", "-B", "-DskipTests", "-pl", "smtp-ear", "liberty:create", "liberty:deploy"], cwd=ROOT)
    if WORK.exists():
        subprocess.run(["postfix", "-c", str(WORK / "postfix" / "etc"), "stop"], stderr=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL)
        shutil.rmtree(WORK)
    WORK.mkdir(parents=True)
    run(["bash", str(ROOT / "bench" / "postfix-setup.sh"), str(PORTS["postfix"]), str(WORK / "postfix")],
        stdout=subprocess.DEVNULL)
    sink = subprocess.Popen(["smtp-sink", "-u", "postfix", f"127.0.0.1:{PORTS['smtp-sink']}", "1000"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    haraka = int(subprocess.run(["bash", str(ROOT / "bench" / "haraka-setup.sh"), str(PORTS["haraka"]), str(WORK / "haraka")],
                                check=True, capture_output=True, text=True).stdout.strip())
    return sink, haraka


def stores():
    return {"mailforge": WORK / "mailforge" / "mail", "postfix": WORK / "postfix" / "mail",
            "haraka": WORK / "haraka" / "mail", "smtp-sink": None}


# ---------------------------------------------------------------- measurements

def smtp_source(port, size, concurrency, count):
    started = time.perf_counter()
    run(["smtp-source", "-s", str(concurrency), "-m", str(count), "-l", str(size), "-f", "bench@client.test",
         "-t", "user@bench.test", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def wait_stored(folder, before, expected, started, timeout=120):
    """Stored msgs/s: files that landed, over the time until the last one did."""
    deadline = time.monotonic() + timeout
    last, last_change = -1, time.monotonic()
    while time.monotonic() < deadline:
        now = count_files(folder) - before
        if now != last:
            last, last_change = now, time.monotonic()
        if now >= expected or time.monotonic() - last_change > 3:
            break
        time.sleep(0.05)
    return last, (last_change - started)


def cell(target, size, concurrency, seconds):
    port = PORTS[target]
    folder = stores()[target]
    calibration = max(50, 20 * concurrency)
    rate = calibration / smtp_source(port, size, concurrency, calibration)
    count = max(calibration, int(rate * seconds))
    before = count_files(folder) if folder else 0
    started = time.monotonic()
    elapsed = smtp_source(port, size, concurrency, count)
    result = {"accepted_rate": count / elapsed}
    if folder:
        stored, until = wait_stored(folder, before, count, started)
        result["stored_rate"] = stored / max(until, elapsed)
        result["stored"] = stored
        result["count"] = count
    return result


def rss_kb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def heap_mb():
    import urllib.request
    try:
        text = urllib.request.urlopen(f"http://127.0.0.1:{HTTP_PORT + 1}/metrics", timeout=60).read().decode()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("smtp_memory_bytes"):
            return float(line.rsplit(" ", 1)[1]) / 1024 / 1024
    return None


def load(port, concurrency, count=0, seconds=0, size=1024, acked=None):
    command = [sys.executable, str(ROOT / "bench" / "loadclient.py"), "--port", str(port), "--concurrency",
               str(concurrency), "--size", str(size), "--count", str(count or 10 ** 9)]
    if seconds:
        command += ["--seconds", str(seconds)]
    if acked:
        command += ["--acked", str(acked)]
    return json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)


def idle_connections(port, pid, n=1000):
    before = rss_kb(pid)
    sockets = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.recv(100)
        sockets.append(s)
    time.sleep(2)
    during = rss_kb(pid)
    for s in sockets:
        s.close()
    return before, during


def heap_after_gc_mb(pid):
    subprocess.run(["jcmd", str(pid), "GC.run"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    time.sleep(1)
    heap = heap_mb()
    return None if heap is None else round(heap, 1)


def soak(pid, seconds):
    """Live heap (after a full GC) every 30 s under steady load: does it grow?"""
    client = subprocess.Popen([sys.executable, str(ROOT / "bench" / "loadclient.py"), "--port", str(PORTS["mailforge"]),
                               "--concurrency", "10", "--seconds", str(seconds), "--count", str(10 ** 9)],
                              stdout=subprocess.PIPE, text=True)
    samples = []
    started = time.monotonic()
    while client.poll() is None and time.monotonic() - started < seconds + 60:
        samples.append(heap_after_gc_mb(pid))
        time.sleep(30)
    result = json.loads(client.communicate()[0])
    return {"messages": result["acknowledged"], "rate": result["rate"], "heap_after_gc_mb": samples,
            "rss_mb": round(rss_kb(pid) / 1024, 1)}


def durability(seconds_before_kill=5):
    acked = WORK / "acked.txt"
    command = [sys.executable, str(ROOT / "bench" / "loadclient.py"), "--port", str(PORTS["mailforge"]),
               "--concurrency", "50", "--count", str(10 ** 9), "--seconds", "60", "--acked", str(acked)]
    client = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    time.sleep(seconds_before_kill)
    os.kill(mailforge_pid(), signal.SIGKILL)
    client.wait(timeout=120)
    start_mailforge()
    ids = set(acked.read_text().split()) if acked.exists() else set()
    found = set()
    for folder, _, files in os.walk(WORK / "mailforge" / "mail"):
        for name in files:
            with open(os.path.join(folder, name), "rb") as f:
                for line in f:
                    if line.startswith(b"Message-ID: "):
                        found.add(line[12:].strip().decode())
                        break
                    if line in (b"\r\n", b"\n"):
                        break
    return len(ids), len(ids & found)


# ---------------------------------------------------------------- the run

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="one repetition of 3 s cells")
    parser.add_argument("--no-build", action="store_true", help="use the server built before")
    parser.add_argument("--skip-matrix", action="store_true", help="only start-up, the soak and the kill -9 run")
    parser.add_argument("--soak", type=int, default=300, help="seconds of steady load watching the heap (0: skip)")
    args = parser.parse_args()
    if args.quick:
        args.soak = min(args.soak, 60)
    repetitions, seconds = (1, 3) if args.quick else (3, 10)

    sink, haraka = prepare(args)
    report = {"machine": f"{os.cpu_count()} cores", "time": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    try:
        for target in PEERS:
            wait_for_greeting(PORTS[target])
        report["startup_seconds"] = round(start_mailforge(), 1)
        pid = mailforge_pid()
        log(f"Mailforge up in {report['startup_seconds']} s (pid {pid}); warming up")
        smtp_source(PORTS["mailforge"], 1024, 10, 3000)

        matrix = {}
        for size in (() if args.skip_matrix else (1024, 102400)):
            for concurrency in (1, 10, 50):
                for target in PEERS + ("mailforge",):
                    runs = []
                    for _ in range(repetitions):
                        cpu0, rss0 = cpu_seconds(pid), rss_kb(pid)
                        result = cell(target, size, concurrency, seconds)
                        if target == "mailforge":
                            result["cpu_per_1000"] = (cpu_seconds(pid) - cpu0) / result["count"] * 1000
                            result["rss_mb"] = max(rss0, rss_kb(pid)) / 1024
                        runs.append(result)
                    median = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
                    matrix[f"{target} {size} c{concurrency}"] = median
                    log(f"{target:9} {size:6} B c={concurrency:2}: " + ", ".join(f"{k}={v:.1f}" for k, v in median.items()))
        report["matrix"] = matrix
        report["heap_mb"] = round(heap_mb() or 0, 1)

        if not args.skip_matrix:
            report["latency_c10"] = {target: load(PORTS[target], 10, count=5000) for target in PEERS + ("mailforge",)}
            log("latency at c=10: " + json.dumps(report["latency_c10"]))
            before, during = idle_connections(PORTS["mailforge"], pid)
            report["idle_1000"] = {"rss_before_mb": round(before / 1024, 1), "rss_with_1000_idle_mb": round(during / 1024, 1)}
            log("1000 idle connections: " + json.dumps(report["idle_1000"]))

        if args.soak:
            report["soak"] = soak(pid, args.soak)
            log("heap after GC during a %d s run at c=10: %s" % (args.soak, report["soak"]))

        acknowledged, found = durability()
        report["durability"] = {"acknowledged": acknowledged, "found_after_restart": found, "lost": acknowledged - found}
        log("kill -9 under load: " + json.dumps(report["durability"]))
    finally:
        stop_mailforge()
        sink.terminate()
        os.kill(haraka, signal.SIGTERM)
        subprocess.run(["postfix", "-c", str(WORK / "postfix" / "etc"), "stop"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)

    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    out = results / (time.strftime("%Y%m%d-%H%M%S", time.gmtime()) + ".md")
    out.write_text(render(report))
    log(render(report))
    log(f"written to {out}")


def render(report):
    lines = [f"# Benchmark {report['time']} ({report['machine']})", ""]
    if report["matrix"]:
        lines += render_matrix(report)
    lines += [f"Start-up to first 220: {report['startup_seconds']} s"]
    if "soak" in report:
        k = report["soak"]
        lines += ["", f"Steady load at concurrency 10 for the soak: {k['messages']} messages ({k['rate']}/s); live heap after "
                  f"a full GC every 30 s: {k['heap_after_gc_mb']} MB; RSS at the end {k['rss_mb']} MB"]
    d = report["durability"]
    lines += ["", f"kill -9 at concurrency 50: {d['acknowledged']} acknowledged, {d['found_after_restart']} found after restart, "
              f"{d['lost']} lost", ""]
    return "\n".join(lines)


def render_matrix(report):
    lines = [
             "| size | conc | Postfix acc/s | Haraka acc/s | smtp-sink acc/s | Mailforge acc/s | Postfix stored/s | Haraka stored/s "
             "| Mailforge stored/s | stored vs Postfix | stored vs Haraka | Mailforge CPU s/1000 |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    m = report["matrix"]
    for size in (1024, 102400):
        for c in (1, 10, 50):
            p, h, s, f = (m[f"{t} {size} c{c}"] for t in ("postfix", "haraka", "smtp-sink", "mailforge"))
            lines.append(f"| {size // 1024} KB | {c} | {p['accepted_rate']:.0f} | {h['accepted_rate']:.0f} | {s['accepted_rate']:.0f} "
                         f"| {f['accepted_rate']:.0f} | {p['stored_rate']:.0f} | {h['stored_rate']:.0f} | {f['stored_rate']:.0f} "
                         f"| {f['stored_rate'] / p['stored_rate']:.2f}x | {f['stored_rate'] / h['stored_rate']:.2f}x | {f['cpu_per_1000']:.2f} |")
    lines += ["", f"Heap after the matrix: {report['heap_mb']} MB; RSS peak: {max(v.get('rss_mb', 0) for v in m.values()):.0f} MB", "",
              "End-of-DATA to 250 at concurrency 10, 1 KB (bench/loadclient.py):", ""]
    for target, r in report["latency_c10"].items():
        lines.append(f"- {target}: {r['rate']} msgs/s, p50 {r['p50_ms']} ms, p99 {r['p99_ms']} ms")
    i = report["idle_1000"]
    lines += ["", f"1,000 idle connections: RSS {i['rss_before_mb']} MB before, {i['rss_with_1000_idle_mb']} MB with them open", ""]
    return lines


if __name__ == "__main__":
    main()
