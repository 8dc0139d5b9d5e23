#!/usr/bin/env python3
"""Mailforge benchmark: the server side by side with Postfix, Haraka and Postfix's smtp-sink, same
run, same machine, same load generator (Postfix's smtp-source), cell by cell in turn (A B C D, then
again, the order rotated each round; never one server's runs in a block), so the machine's drift
between minutes hits every server alike. Figures that hold from day to day are the ratios between
servers measured in the same rounds; absolute rates move with the machine.

    sudo python3 bench/run.py            # builds, installs Postfix if missing, runs everything
    python3 bench/run.py --quick         # one repetition, shorter cells (a smoke run)

Peers: Postfix (Debian, its own instance delivering to a maildir), Haraka 3.3.4 (npm, a small
queue plugin writing each message to a file, no fsync) and Postfix's smtp-sink (no storage).

Reports (bench/results/<time>.md and stdout): cold and warm start to the first 220; the warm-up
curve (stored msgs/s and whole-machine CPU-seconds per 1,000 messages for each batch of 1,000
after the start, at most 5,000 messages before the matrix); the same, with start times, for the JVM
profiles of docs/deployment.md (default C2, C2 + CDS archive, C1 + CDS archive; --jvm-profiles); accepted and stored msgs/s and
whole-machine CPU-seconds per 1,000 messages (client included, as for every server) for 1 KB and
100 KB at concurrency 1, 10, 50 (medians of the rounds) with Mailforge's ratios to each peer;
p50/p99 end-of-DATA-to-250 latency at concurrency 10 (own asyncio client, bench/loadclient.py),
Mailforge's RSS and heap,
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
PORTS = {"mailforge": 2525, "postfix": 2526, "smtp-sink": 2527, "haraka": 2528, "mailforge-checks": 2545}
PEERS = ("postfix", "haraka", "smtp-sink")
HTTP_PORT = 2580
#: the second Mailforge: the default sender checks (SPF, DKIM, DMARC with SMTP_DMARC_POLICY=report)
#: against a local resolver (dnsmasq on DNS_PORT) that answers the load's sender domain at once
CHECKS = "mailforge-checks"
CHECKS_HTTP_PORT = 2600
DNS_PORT = 5353
#: what the resolver answers for smtp-source's sender (bench@client.test), with a TTL of 300 s as a
#: caching resolver passes on: an SPF policy that passes 127.0.0.1 and a DMARC record
SENDER_RECORDS = {"client.test": "v=spf1 ip4:127.0.0.0/8 -all", "_dmarc.client.test": "v=DMARC1; p=none"}
#: messages each Mailforge takes after its start before the first measured round (batches of 1,000)
WARMUP = 4000


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

def java_home():
    """The JDK Mailforge runs on: BENCH_JAVA_HOME, else the newest JDK 21+ in /usr/lib/jvm (sessions on
    virtual threads, as docs/deployment.md asks of a server on the internet), else the default one."""
    if os.environ.get("BENCH_JAVA_HOME"):
        return os.environ["BENCH_JAVA_HOME"]
    best = None
    for jdk in Path("/usr/lib/jvm").glob("*"):
        major = java_major(jdk)
        if major >= 21 and (jdk / "bin" / "java").exists() and (best is None or major > best[0]):
            best = (major, str(jdk))
    return best[1] if best else os.environ.get("JAVA_HOME")


def java_major(jdk):
    """The feature release of the JDK in this folder (0 when its `release` file does not say)."""
    release = Path(jdk) / "release"
    if release.exists():
        for line in release.read_text().splitlines():
            if line.startswith("JAVA_VERSION="):
                return int(line.split("=", 1)[1].strip('"').split(".")[0])
    return 0


def mailforge_env(jvm_options=""):
    data = WORK / "mailforge"
    env = dict(os.environ)
    if java_home():
        env["JAVA_HOME"] = java_home()
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
        "JVM_ARGS": (os.environ.get("BENCH_JVM_ARGS", "-Xmx512m") + " " + jvm_options).strip(),
    })
    # settings of a cell of its own, e.g. BENCH_SMTP="SMTP_DMARC_POLICY=report SMTP_DNS_SERVER=127.0.0.1:5399"
    for setting in os.environ.get("BENCH_SMTP", "").split():
        name, _, value = setting.partition("=")
        env[name] = value
    return env


def mailforge_pid(server=None):
    return int((WLP / "usr" / "servers" / ".pid" / f"{server or SERVER}.pid").read_text().strip())


def server_env(name, smtp_port, http_port):
    """The bench server's settings for another Mailforge beside it: its own ports (HTTP: API, +1
    metrics, +2 console) and data under WORK/<name>."""
    data = WORK / name
    env = mailforge_env()
    env.update({"SMTP_PORT": str(smtp_port), "SMTP_HEALTH_PORT": str(http_port),
                "SMTP_METRICS_PORT": str(http_port + 1), "SMTP_ADMIN_CONSOLE_PORT": str(http_port + 2),
                "SMTP_STORAGE_PATH": str(data / "mail"), "SMTP_DB_PATH": str(data / "smtp.db"),
                "SMTP_SPOOL_PATH": str(data / "spool"), "SMTP_QUEUE_PATH": str(data / "queue")})
    return env


def copy_server(name):
    """A copy of the bench server's Liberty folder (same build, same jvm.options) under another name."""
    folder = WLP / "usr" / "servers" / name
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(WLP / "usr" / "servers" / SERVER, folder, ignore=shutil.ignore_patterns("logs", "workarea", "tranlog", "messaging"))
    return folder


def checks_env():
    """The second server's settings: the default checks, its own ports and data."""
    env = server_env(CHECKS, PORTS[CHECKS], CHECKS_HTTP_PORT)
    env.update({"SMTP_DMARC_POLICY": "report", "SMTP_DNS_SERVER": f"127.0.0.1:{DNS_PORT}"})
    return env


def start_checks_server():
    """The bench server's copy with the default checks."""
    copy_server(CHECKS)
    run([str(WLP / "bin" / "server"), "start", CHECKS], env=checks_env(), stdout=subprocess.DEVNULL)
    wait_for_greeting(PORTS[CHECKS])


def stop_checks_server():
    subprocess.run([str(WLP / "bin" / "server"), "stop", CHECKS], env=checks_env(), stdout=subprocess.DEVNULL)


def start_resolver():
    """dnsmasq on 127.0.0.1:DNS_PORT answering SENDER_RECORDS, every other name under .test NXDOMAIN."""
    command = [shutil.which("dnsmasq", path=os.environ.get("PATH", "") + ":/usr/sbin"), "--no-daemon", f"--port={DNS_PORT}", "--listen-address=127.0.0.1", "--bind-interfaces",
               "--no-resolv", "--no-hosts", "--local=/test/", "--local-ttl=300", "--log-facility=/dev/null"]
    command += [f"--txt-record={name},{text}" for name, text in SENDER_RECORDS.items()]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def start_mailforge(clean=False, jvm_options=""):
    """Seconds from `server start` to the first 220; clean: without Liberty's caches (a cold start)."""
    started = time.monotonic()
    run([str(WLP / "bin" / "server"), "start", SERVER] + (["--clean"] if clean else []),
        env=mailforge_env(jvm_options), stdout=subprocess.DEVNULL)
    wait_for_greeting(PORTS["mailforge"])
    return time.monotonic() - started


def stop_mailforge():
    subprocess.run([str(WLP / "bin" / "server"), "stop", SERVER], env=mailforge_env(), stdout=subprocess.DEVNULL)


# The JVM choices docs/deployment.md offers, as JVM_ARGS / jvm.options lines. The archive needs
# JDK 19+ (AutoCreateSharedArchive); the diagnostic switch lets the JVM archive with Liberty's agent.
CDS_ARCHIVE = WORK / "mailforge.jsa"
CDS = ("-XX:+UnlockDiagnosticVMOptions -XX:+AllowArchivingWithJavaAgent -XX:+AutoCreateSharedArchive "
       f"-XX:SharedArchiveFile={CDS_ARCHIVE}")
JVM_PROFILES = {"default (C2 JIT)": "", "C2 + CDS archive": CDS, "C1 JIT only + CDS archive": "-XX:TieredStopAtLevel=1 " + CDS}


def jvm_profiles(rounds):
    """Start and warm-up of each JVM profile, interleaved: each round starts every profile once
    (rotated), sends 5 batches of 1,000 messages at concurrency 50, stops it, then starts it once
    with `--clean`. The CDS archive is made by a start before the first round."""
    CDS_ARCHIVE.unlink(missing_ok=True)
    start_mailforge(jvm_options=CDS)
    stop_mailforge()
    names = list(JVM_PROFILES)
    runs = {name: {"warm": [], "clean": [], "batches": []} for name in names}
    for round_ in range(rounds):
        for name in names[round_ % len(names):] + names[:round_ % len(names)]:
            runs[name]["warm"].append(start_mailforge(jvm_options=JVM_PROFILES[name]))
            runs[name]["batches"].append([cell("mailforge", 1024, 50, count=1000)["cpu_per_1000"] for _ in range(5)])
            stop_mailforge()
            runs[name]["clean"].append(start_mailforge(clean=True, jvm_options=JVM_PROFILES[name]))
            stop_mailforge()
            log(f"round {round_ + 1} {name}: start {runs[name]['warm'][-1]:.1f} s, --clean {runs[name]['clean'][-1]:.1f} s, "
                f"CPU-s/1000 per batch {[round(b, 2) for b in runs[name]['batches'][-1]]}")
    return {name: {"warm_s": round(statistics.median(r["warm"]), 1), "clean_s": round(statistics.median(r["clean"]), 1),
                   "batches": [round(statistics.median(b[i] for b in r["batches"]), 2) for i in range(5)]}
            for name, r in runs.items()}


def prepare(args):
    if not shutil.which("smtp-source"):
        log("installing Postfix (smtp-source, smtp-sink) from Debian")
        subprocess.run("echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections",
                       shell=True, check=False)
        run(["apt-get", "install", "-y", "-qq", "postfix"], env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
    if not shutil.which("dnsmasq", path=os.environ.get("PATH", "") + ":/usr/sbin"):
        log("installing dnsmasq (the resolver of the default-checks server) from Debian")
        run(["apt-get", "install", "-y", "-qq", "dnsmasq-base"], env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
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
    return sink, haraka, start_resolver()


def stores():
    return {"mailforge": WORK / "mailforge" / "mail", CHECKS: WORK / CHECKS / "mail", "postfix": WORK / "postfix" / "mail",
            "haraka": WORK / "haraka" / "mail", "smtp-sink": None}


# ---------------------------------------------------------------- measurements

def smtp_source(port, size, concurrency, count):
    started = time.perf_counter()
    run(["smtp-source", "-s", str(concurrency), "-m", str(count), "-l", str(size), "-f", "bench@client.test",
         "-t", "user@bench.test", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def wait_stored(folder, before, expected, started, timeout=120):
    """Stored msgs/s: files that landed, over the time until the last one did. Polls twice a
    second: counting files costs CPU, and the whole machine's CPU is measured meanwhile."""
    deadline = time.monotonic() + timeout
    last, last_change = -1, time.monotonic()
    while time.monotonic() < deadline:
        now = count_files(folder) - before
        if now != last:
            last, last_change = now, time.monotonic()
        if now >= expected or time.monotonic() - last_change > 3:
            break
        time.sleep(0.5)
    return last, (last_change - started)


def machine_cpu_seconds():
    """CPU-seconds the whole machine has spent busy (every process, the load client included)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    return (sum(values) - values[3] - values[4]) / os.sysconf("SC_CLK_TCK")


def cell(target, size, concurrency, seconds=0, count=0):
    """One run against one server: a calibration run sizes the measured one to about `seconds`
    (or exactly `count` messages). CPU is the whole machine's over the measured run and the wait
    for its messages to land, per 1,000 messages stored (accepted, for smtp-sink)."""
    port = PORTS[target]
    folder = stores()[target]
    if not count:
        calibration = max(50, 20 * concurrency)
        rate = calibration / smtp_source(port, size, concurrency, calibration)
        count = max(calibration, int(rate * seconds))
    before = count_files(folder) if folder else 0
    cpu0 = machine_cpu_seconds()
    started = time.monotonic()
    elapsed = smtp_source(port, size, concurrency, count)
    result = {"accepted_rate": count / elapsed, "count": count}
    stored = count
    if folder:
        stored, until = wait_stored(folder, before, count, started)
        result["stored_rate"] = stored / max(until, elapsed)
        result["stored"] = stored
    else:
        result["stored_rate"] = result["accepted_rate"]
    result["cpu_per_1000"] = (machine_cpu_seconds() - cpu0) / max(stored, 1) * 1000
    return result


def rss_kb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def jit_seconds(pid):
    """CPU-seconds the JVM's compiler threads (C1 and C2) have spent."""
    total = 0.0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            if (task / "comm").read_text().startswith(("C1 CompilerThre", "C2 CompilerThre")):
                fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (FileNotFoundError, ProcessLookupError):
            pass  # a compiler thread the JVM just retired
    return total


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
    parser.add_argument("--quick", action="store_true", help="one round of 3 s cells")
    parser.add_argument("--no-build", action="store_true", help="use the server built before")
    parser.add_argument("--skip-matrix", action="store_true", help="only start-up, the warm-up curve, the soak and the kill -9 run")
    parser.add_argument("--only", help="cells of these sizes and concurrencies only, e.g. 1024:50 or 102400:50,1024:500")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the interleaved cells")
    parser.add_argument("--soak", type=int, default=300, help="seconds of steady load watching the heap (0: skip)")
    parser.add_argument("--no-durability", action="store_true", help="skip the kill -9 run")
    parser.add_argument("--jvm-profiles", type=int, default=2, metavar="ROUNDS",
                        help="rounds comparing the JVM profiles' start and warm-up (0: skip)")
    args = parser.parse_args()
    if args.quick:
        args.soak = min(args.soak, 60)
        args.rounds = 1
    seconds = 3 if args.quick else 10
    # the headline cell first: its first round is the one right after the warm-up
    cells = [(1024, 50)] if args.only is None and args.quick else \
        [tuple(int(v) for v in cell.split(":")) for cell in args.only.split(",")] if args.only else \
        [(1024, 50)] + [(size, c) for size in (1024, 102400) for c in (1, 10, 50) if (size, c) != (1024, 50)]

    sink, haraka, resolver = prepare(args)
    report = {"machine": f"{os.cpu_count()} cores", "time": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
              "java": java_home() or "the default JDK"}
    try:
        for target in PEERS:
            wait_for_greeting(PORTS[target])
        if args.jvm_profiles and java_major(java_home() or "") >= 19:  # the CDS archive needs JDK 19+
            report["jvm_profiles"] = jvm_profiles(args.jvm_profiles)
        report["startup_cold_seconds"] = round(start_mailforge(clean=True), 1)
        stop_mailforge()
        report["startup_seconds"] = round(start_mailforge(), 1)
        pid = mailforge_pid()
        log(f"Mailforge up in {report['startup_seconds']} s warm, {report['startup_cold_seconds']} s cold (pid {pid})")
        # the warm-up curve: the first WARMUP messages after the start, 1 KB at concurrency 50
        report["warmup"] = []
        for batch in range(WARMUP // 1000):
            result = cell("mailforge", 1024, 50, count=1000)
            report["warmup"].append({"batch": batch + 1, "rate": round(result["stored_rate"]),
                                     "cpu_per_1000": round(result["cpu_per_1000"], 2)})
            log(f"warm-up batch {batch + 1}: {result['stored_rate']:.0f} stored/s, {result['cpu_per_1000']:.2f} CPU-s/1000")
        # the default configuration beside it, warmed up alike (not during Mailforge's start and warm-up)
        start_checks_server()
        for batch in range(WARMUP // 1000):
            result = cell(CHECKS, 1024, 50, count=1000)
            log(f"{CHECKS} warm-up batch {batch + 1}: {result['stored_rate']:.0f} stored/s, {result['cpu_per_1000']:.2f} CPU-s/1000")

        matrix = {}
        targets = ("mailforge", CHECKS) + PEERS
        jvm_pids = (pid, mailforge_pid(CHECKS))
        for size, concurrency in ([] if args.skip_matrix else cells):
            runs = {target: [] for target in targets}
            for round_ in range(args.rounds):
                order = targets[round_ % len(targets):] + targets[:round_ % len(targets)]
                for target in order:
                    rss0 = rss_kb(pid)
                    jit0, jvms0 = jit_seconds(pid), sum(cpu_seconds(p) for p in jvm_pids)
                    result = cell(target, size, concurrency, seconds)
                    per_1000 = 1000 / max(1, result.get("stored", result["count"]))
                    if target == "mailforge":
                        result["rss_mb"] = max(rss0, rss_kb(pid)) / 1024
                        result["jit_per_1000"] = (jit_seconds(pid) - jit0) * per_1000
                    elif target in PEERS:
                        # both Mailforge JVMs go on (their compilers, timers) while a peer runs: counted in its CPU
                        result["jvms_per_1000"] = (sum(cpu_seconds(p) for p in jvm_pids) - jvms0) * per_1000
                    runs[target].append(result)
                    log(f"round {round_ + 1} {target:9} {size:6} B c={concurrency:2}: "
                        + ", ".join(f"{k}={v:.1f}" for k, v in result.items()))
            for target in targets:
                matrix[f"{target} {size} c{concurrency}"] = {
                    key: statistics.median(r[key] for r in runs[target]) for key in runs[target][0]}
                matrix[f"{target} {size} c{concurrency}"]["runs"] = [round(r["stored_rate"]) for r in runs[target]]
                for key in ("jit_per_1000", "jvms_per_1000"):
                    if key in runs[target][0]:
                        matrix[f"{target} {size} c{concurrency}"][key.replace("_per_1000", "_runs")] = [round(r[key], 2) for r in runs[target]]
                matrix[f"{target} {size} c{concurrency}"]["cpu_runs"] = [round(r["cpu_per_1000"], 2) for r in runs[target]]
        report["matrix"] = matrix
        report["cells"] = [] if args.skip_matrix else cells
        report["heap_mb"] = round(heap_mb() or 0, 1)

        if not args.skip_matrix:
            report["latency_c10"] = {target: load(PORTS[target], 10, count=5000) for target in ("mailforge",) + PEERS}
            log("latency at c=10: " + json.dumps(report["latency_c10"]))
            before, during = idle_connections(PORTS["mailforge"], pid)
            report["idle_1000"] = {"rss_before_mb": round(before / 1024, 1), "rss_with_1000_idle_mb": round(during / 1024, 1)}
            log("1000 idle connections: " + json.dumps(report["idle_1000"]))

        if args.soak:
            report["soak"] = soak(pid, args.soak)
            log("heap after GC during a %d s run at c=10: %s" % (args.soak, report["soak"]))

        if not args.no_durability:
            acknowledged, found = durability()
            report["durability"] = {"acknowledged": acknowledged, "found_after_restart": found, "lost": acknowledged - found}
            log("kill -9 under load: " + json.dumps(report["durability"]))
    finally:
        stop_mailforge()
        stop_checks_server()
        resolver.terminate()
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
    lines = [f"# Benchmark {report['time']} ({report['machine']}; Mailforge on {report['java']})", "",
             f"Start to the first 220: {report['startup_cold_seconds']} s cold (`server start --clean`), "
             f"{report['startup_seconds']} s warm", "",
             "Warm-up after the start (1 KB, concurrency 50, batches of 1,000; whole-machine CPU-seconds per 1,000 stored):", "",
             "| batch | stored/s | CPU-s/1000 |", "|---|---|---|"]
    lines += [f"| {w['batch']} | {w['rate']} | {w['cpu_per_1000']} |" for w in report["warmup"]]
    lines.append("")
    if "jvm_profiles" in report:
        lines += ["JVM profiles (docs/deployment.md), interleaved starts; medians. Start to the first 220, then "
                  "whole-machine CPU-seconds per 1,000 stored for each batch of 1,000 after the start (1 KB, c=50):", "",
                  "| profile | start | start --clean | batch 1 | 2 | 3 | 4 | 5 |", "|---|---|---|---|---|---|---|---|"]
        for name, r in report["jvm_profiles"].items():
            lines.append(f"| {name} | {r['warm_s']} s | {r['clean_s']} s | " + " | ".join(map(str, r["batches"])) + " |")
        lines.append("")
    if report["matrix"]:
        lines += render_matrix(report)
    if "soak" in report:
        k = report["soak"]
        lines += ["", f"Steady load at concurrency 10 for the soak: {k['messages']} messages ({k['rate']}/s); live heap after "
                  f"a full GC every 30 s: {k['heap_after_gc_mb']} MB; RSS at the end {k['rss_mb']} MB"]
    if "durability" in report:
        d = report["durability"]
        lines += ["", f"kill -9 at concurrency 50: {d['acknowledged']} acknowledged, {d['found_after_restart']} found after restart, "
                  f"{d['lost']} lost", ""]
    return "\n".join(lines)


def render_rounds(report):
    """Every round of every cell with its own ratios, the first cell's first round (right after the
    warm-up) marked; then the headline: the median of the rounds with that first round beside it."""
    m = report["matrix"]
    lines = ["Round by round (stored/s ratios from the same round; CPU ratios are Mailforge's CPU per message ÷ the peer's):", "",
             "| size | conc | round | Mailforge stored/s @ CPU-s | ÷ Postfix | ÷ Haraka | CPU ÷ Postfix | CPU ÷ Haraka "
             "| default checks ÷ checks off |", "|---|---|---|---|---|---|---|---|---|"]
    headline = None
    notes = []
    for index, (size, c) in enumerate(report["cells"]):
        own, checks = m[f"mailforge {size} c{c}"], m[f"{CHECKS} {size} c{c}"]
        postfix, haraka = m[f"postfix {size} c{c}"], m[f"haraka {size} c{c}"]
        ratios = []
        for i in range(len(own["runs"])):
            r = {"postfix": own["runs"][i] / postfix["runs"][i], "haraka": own["runs"][i] / haraka["runs"][i],
                 "cpu_postfix": own["cpu_runs"][i] / postfix["cpu_runs"][i], "cpu_haraka": own["cpu_runs"][i] / haraka["cpu_runs"][i],
                 "checks": checks["runs"][i] / own["runs"][i]}
            ratios.append(r)
            label = f"{i + 1}" + (f" (first after {WARMUP:,} messages)" if index == 0 and i == 0 else "")
            jit = f" (JIT {own['jit_runs'][i]})" if "jit_runs" in own else ""
            lines.append(f"| {size // 1024} KB | {c} | {label} | {own['runs'][i]} @ {own['cpu_runs'][i]}{jit} | {r['postfix']:.2f}x "
                         f"| {r['haraka']:.2f}x | {r['cpu_postfix']:.2f} | {r['cpu_haraka']:.2f} | {r['checks']:.2f}x |")
        if index == 0:
            headline = (size, c, ratios)
        if "jvms_runs" in postfix and "jvms_runs" in haraka:
            background = {name: statistics.median(peer["jvms_runs"]) for name, peer in (("Postfix", postfix), ("Haraka", haraka))}
            without = {name: statistics.median(own["cpu_runs"][i] / (peer["cpu_runs"][i] - peer["jvms_runs"][i])
                                               for i in range(len(own["runs"])))
                       for name, peer in (("Postfix", postfix), ("Haraka", haraka))}
            notes.append(f"- {size // 1024} KB, concurrency {c}: while a peer runs, the two Mailforge JVMs go on (their compilers "
                         f"finishing, timers): {background['Postfix']:.2f} CPU-s per 1,000 of Postfix's messages and "
                         f"{background['Haraka']:.2f} of Haraka's (medians of the rounds), counted in the peer's whole-machine CPU. "
                         f"Without it the CPU ratios would be {without['Postfix']:.2f} (Postfix) and {without['Haraka']:.2f} (Haraka).")
    if notes:
        lines += ["", "(JIT x): CPU-s per 1,000 messages of Mailforge's compiler threads (C1, C2), part of its CPU in that round.", ""] + notes
    if headline:
        size, c, ratios = headline
        median = {k: statistics.median(r[k] for r in ratios) for k in ratios[0]}
        first = ratios[0]
        lines += ["", f"**Headline** ({size // 1024} KB, concurrency {c}; medians of the {len(ratios)} rounds' own ratios, "
                  f"the first round after the {WARMUP:,}-message warm-up beside them): Mailforge stores "
                  f"**{median['postfix']:.2f}x** Postfix's rate (first round {first['postfix']:.2f}x) and "
                  f"**{median['haraka']:.2f}x** Haraka's ({first['haraka']:.2f}x), at {median['cpu_postfix']:.2f} and "
                  f"{median['cpu_haraka']:.2f} of their CPU per message ({first['cpu_postfix']:.2f}, {first['cpu_haraka']:.2f}); "
                  f"with the default checks it keeps {median['checks']:.2f}x its checks-off rate ({first['checks']:.2f}x)."]
    return lines + [""]


def render_matrix(report):
    lines = ["Interleaved cells (medians of the rounds; each round runs every server once, in rotated order). "
             "Ratios are Mailforge's to each peer from the same rounds: these hold across days; the rates do not.", "",
             "| size | conc | server | accepted/s | stored/s (rounds) | CPU-s/1000 | Mailforge stored/s ÷ this | Mailforge CPU ÷ this |",
             "|---|---|---|---|---|---|---|---|"]
    m = report["matrix"]
    for size, c in report["cells"]:
        f = m[f"mailforge {size} c{c}"]
        for target in ("mailforge", CHECKS) + PEERS:
            r = m[f"{target} {size} c{c}"]
            stored = "—" if target == "smtp-sink" else f"{r['stored_rate']:.0f} ({', '.join(map(str, r['runs']))})"
            ratio = "" if target in ("mailforge", "smtp-sink") else f"{f['stored_rate'] / r['stored_rate']:.2f}x"
            cpu = "" if target == "mailforge" else f"{f['cpu_per_1000'] / r['cpu_per_1000']:.2f}"
            lines.append(f"| {size // 1024} KB | {c} | {target} | {r['accepted_rate']:.0f} | {stored} | {r['cpu_per_1000']:.2f} "
                         f"| {ratio} | {cpu} |")
    lines += ["", f"`{CHECKS}`: the same build with the default sender checks (SPF, DKIM, DMARC, "
              f"`SMTP_DMARC_POLICY=report`) against dnsmasq on 127.0.0.1 answering the sender's records (TTL 300 s); "
              "`mailforge` runs them off, as Postfix and Haraka run without milters or plugins.", ""]
    lines += render_rounds(report)
    rss = [v.get("rss_mb", 0) for v in m.values()]
    lines += ["", f"Heap after the matrix: {report['heap_mb']} MB; Mailforge's RSS peak: {max(rss):.0f} MB", ""]
    if "latency_c10" in report:
        lines += ["End-of-DATA to 250 at concurrency 10, 1 KB (bench/loadclient.py):", ""]
        for target, r in report["latency_c10"].items():
            lines.append(f"- {target}: {r['rate']} msgs/s, p50 {r['p50_ms']} ms, p99 {r['p99_ms']} ms")
        i = report["idle_1000"]
        lines += ["", f"1,000 idle connections: RSS {i['rss_before_mb']} MB before, {i['rss_with_1000_idle_mb']} MB with them open", ""]
    return lines


if __name__ == "__main__":
    main()
