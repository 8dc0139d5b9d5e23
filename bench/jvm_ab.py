#!/usr/bin/env python3
"""Two JVM settings for the same build, side by side: two Mailforge servers run at once (each with
its own jvm.options, ports and data), and smtp-source loads them in turn, cell by cell (A B, then
B A, ...), so the machine's drift hits both alike and both have taken the same number of messages
when they are compared. This is how docs/deployment.md compared the garbage collectors.

    python3 bench/jvm_ab.py -- "-XX:+UseG1GC" "-XX:+UseSerialGC"        # 5 warm-up rounds, 6 measured
    python3 bench/jvm_ab.py --warm 4 --rounds 6 -- "-XX:+UseParallelGC" "-XX:+UseSerialGC"
    python3 bench/jvm_ab.py --ear-b /tmp/before.ear -- "-XX:+UseSerialGC" "-XX:+UseSerialGC"  # two builds
    BENCH_SMTP="SMTP_DMARC_POLICY=report" python3 bench/jvm_ab.py --smtp-b "SMTP_DMARC_POLICY=off" -- "" ""  # two settings
    python3 bench/jvm_ab.py --java-b /usr/lib/jvm/java-17-openjdk-amd64 -- "-XX:+UseSerialGC" "-XX:+UseSerialGC"  # two JDKs

(`--` first: the options begin with a dash.) Each argument is the whole jvm.options of one
server (options separated by spaces; they replace the file the build wrote, so a collector there
does not clash). With --ear-b, server B runs that EAR (a copy of an earlier build's
`.liberty/wlp/usr/servers/mailforge/apps/smtp-ear.ear`) instead of the build's: two builds side by
side. Each run gives both servers new, empty data folders (under BENCH_WORK, printed at the
end), so neither carries more mail than the other. Needs the bench server built by
`bench/run.py` (or `mvn -pl smtp-ear liberty:create liberty:deploy`) and smtp-source. Reports stored
msgs/s and whole-machine CPU-seconds per 1,000 stored messages, medians of the measured cells.
"""
import argparse
import shutil
import statistics
import subprocess
import time

import run

SERVERS = [  # name, SMTP port, HTTP port (API; +1 metrics, +2 console)
    ("mailforge", run.PORTS["mailforge"], run.HTTP_PORT),
    ("mailforge-b", 2535, 2590),
]


def prepare(name, options, ear=None):
    folder = run.copy_server(name) if name != run.SERVER else run.WLP / "usr" / "servers" / name
    (folder / "jvm.options").write_text("\n".join(options.split()) + "\n")
    if ear:
        shutil.copyfile(ear, folder / "apps" / "smtp-ear.ear")


#: settings of server B alone (--smtp-b), on top of BENCH_SMTP's, which both servers get; JAVA_HOME for --java-b
B_SETTINGS = {}


#: both servers' data (mail, database, spool, queue), new for each run: the bench server's own
#: store holds every earlier run's mail, and a side with a fuller maildir and database is the
#: slower one (measured 2026-12-07: about 8 % to side B when A kept the bench server's store)
STORES = run.WORK / time.strftime("ab-%Y%m%d-%H%M%S", time.gmtime())


def environment(name, smtp_port, http_port):
    env = run.server_env(name, smtp_port, http_port)
    data = STORES / name
    env.update({"SMTP_STORAGE_PATH": str(data / "mail"), "SMTP_DB_PATH": str(data / "smtp.db"),
                "SMTP_SPOOL_PATH": str(data / "spool"), "SMTP_QUEUE_PATH": str(data / "queue")})
    if name == SERVERS[1][0]:
        env.update(B_SETTINGS)
    return env


def server(command, name, smtp_port, http_port):
    subprocess.run([str(run.WLP / "bin" / "server"), command, name], env=environment(name, smtp_port, http_port),
                   stdout=subprocess.DEVNULL, check=command == "start")


def cell(name, smtp_port, count, size=1024):
    folder = STORES / name / "mail"
    before = run.count_files(folder)
    cpu0 = run.machine_cpu_seconds()
    started = time.monotonic()
    elapsed = run.smtp_source(smtp_port, size, 50, count)
    stored, until = run.wait_stored(folder, before, count, started)
    return stored / max(until, elapsed), (run.machine_cpu_seconds() - cpu0) / max(stored, 1) * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("a", help="jvm.options of server A")
    parser.add_argument("b", help="jvm.options of server B")
    parser.add_argument("--warm", type=int, default=5, help="rounds not counted (the JIT's warm-up)")
    parser.add_argument("--rounds", type=int, default=6, help="rounds measured")
    parser.add_argument("--count", type=int, default=3000, help="messages per cell (concurrency 50)")
    parser.add_argument("--size", type=int, default=1024, help="message size in octets")
    parser.add_argument("--ear-b", help="an EAR for server B (another build); A runs the build's")
    parser.add_argument("--java-b", help="the JDK of server B (JAVA_HOME); A runs bench/run.py's (the newest 21+)")
    parser.add_argument("--smtp-b", default="", help="settings of server B alone, e.g. \"SMTP_DMARC_POLICY=off\""
                        " (both get BENCH_SMTP's)")
    args = parser.parse_args()
    for setting in args.smtp_b.split():
        key, _, value = setting.partition("=")
        B_SETTINGS[key] = value
    if args.java_b:
        B_SETTINGS["JAVA_HOME"] = args.java_b
    variants = [args.a, args.b]
    shipped = run.WLP / "usr" / "servers" / run.SERVER / "jvm.options"
    original = shipped.read_text() if shipped.exists() else ""
    for (name, smtp_port, http_port), options, ear in zip(SERVERS, variants, [None, args.ear_b]):
        prepare(name, options, ear)
        server("start", name, smtp_port, http_port)
        run.wait_for_greeting(smtp_port)
    results = [{"rate": [], "cpu": []} for _ in variants]
    try:
        for round_ in range(args.warm + args.rounds):
            for i in ([0, 1] if round_ % 2 == 0 else [1, 0]):
                name, smtp_port, _ = SERVERS[i]
                rate, cpu = cell(name, smtp_port, args.count, args.size)
                if round_ >= args.warm:
                    results[i]["rate"].append(rate)
                    results[i]["cpu"].append(cpu)
                run.log(f"round {round_ + 1}{' (warm-up)' if round_ < args.warm else ''} {'AB'[i]} "
                        f"[{variants[i]}]: {rate:.0f} stored/s, {cpu:.2f} CPU-s/1000")
    finally:
        for name, smtp_port, http_port in SERVERS:
            server("stop", name, smtp_port, http_port)
        shipped.write_text(original)  # the bench server gets the build's jvm.options back
    for i, options in enumerate(variants):
        print(f"{'AB'[i]} [{options}]: {statistics.median(results[i]['rate']):.0f} stored/s, "
              f"{statistics.median(results[i]['cpu']):.2f} CPU-s per 1,000 (medians of {args.rounds} cells)")
    # not removed here: deleting thousands of files slows the next minute's fsyncs (the disk discards)
    print(f"both servers' data: {STORES} (remove it when no benchmark runs)")


if __name__ == "__main__":
    main()
