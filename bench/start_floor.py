#!/usr/bin/env python3
"""How much of the start is Liberty's and how much Mailforge's: the bench server's configuration
(the same features, endpoints, data source, messaging engine and jvm.options) once without the
application, started to "server is ready" (CWWKF0011I), and the bench server itself to its first
220, in turns (the order rotates each round), warm and with `--clean`. Prints every start, the
medians, and the application's share: each round's Mailforge start less the same round's floor.

    python3 bench/start_floor.py                      # 3 rounds warm, 2 with --clean
    python3 bench/start_floor.py --warm 5 --clean 0 --ear-b /tmp/before.ear   # and an earlier build

With --ear-b, a copy of the bench server running that EAR (an earlier build's
`.liberty/wlp/usr/servers/mailforge/apps/smtp-ear.ear`) takes its turn in every round too, so two
builds are compared against the same floor; its first start (not measured) fills its caches.
Needs the bench server built by `bench/run.py` (or `mvn -pl smtp-ear liberty:create liberty:deploy`).
The machine's speed drifts by minutes: compare within one run, never across runs.
"""
import argparse
import re
import shutil
import statistics
import subprocess
import time

import run

FLOOR = "mailforge-features-only"
BUILD_B = "mailforge-start-b"


def prepare():
    template = run.WLP / "usr" / "servers" / run.SERVER
    folder = run.WLP / "usr" / "servers" / FLOOR
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(template, folder, ignore=shutil.ignore_patterns("apps", "logs", "workarea", "tranlog", "messaging"))
    config = folder / "server.xml"
    text, found = re.subn(r"<enterpriseApplication\b.*?</enterpriseApplication>", "", config.read_text(), flags=re.S)
    if found != 1:
        raise SystemExit("server.xml: expected one enterpriseApplication element, found " + str(found))
    config.write_text(text)
    return folder


def start_floor(folder, clean):
    log = folder / "logs" / "messages.log"
    log.unlink(missing_ok=True)
    started = time.monotonic()
    subprocess.run([str(run.WLP / "bin" / "server"), "start", FLOOR] + (["--clean"] if clean else []),
                   env=run.mailforge_env(), stdout=subprocess.DEVNULL, check=True)
    deadline = started + 180
    while "CWWKF0011I" not in (log.read_text(errors="replace") if log.exists() else ""):
        if time.monotonic() > deadline:
            raise SystemExit("the server without the application did not get ready in 180 s")
        time.sleep(0.1)
    elapsed = time.monotonic() - started
    subprocess.run([str(run.WLP / "bin" / "server"), "stop", FLOOR], env=run.mailforge_env(), stdout=subprocess.DEVNULL)
    return elapsed


def start_build(server, clean):
    """Seconds from `server start` to the first 220 of the bench server or of its copy with build B."""
    previous, run.SERVER = run.SERVER, server
    try:
        elapsed = run.start_mailforge(clean)
        run.stop_mailforge()
        return elapsed
    finally:
        run.SERVER = previous


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warm", type=int, default=3, help="rounds of warm starts")
    parser.add_argument("--clean", type=int, default=2, help="rounds of starts with --clean")
    parser.add_argument("--ear-b", help="an earlier build's EAR, started in every round too")
    args = parser.parse_args()
    folder = prepare()
    start_floor(folder, False)  # unmeasured: a new server's first start fills its caches
    starts = {"features only": lambda clean: start_floor(folder, clean), "mailforge": lambda clean: start_build(run.SERVER, clean)}
    if args.ear_b:
        shutil.copyfile(args.ear_b, run.copy_server(BUILD_B) / "apps" / "smtp-ear.ear")
        start_build(BUILD_B, False)
        starts["build b"] = lambda clean: start_build(BUILD_B, clean)
    try:
        for clean, count in ((False, args.warm), (True, args.clean)):
            times = {which: [] for which in starts}
            names = list(starts)
            for i in range(count):
                for which in names[i % len(names):] + names[:i % len(names)]:
                    times[which].append(starts[which](clean))
                    run.log(f"{'--clean ' if clean else ''}{which}: {times[which][-1]:.1f} s")
            for which, values in times.items():
                if values:
                    print(f"{'--clean' if clean else 'warm'} {which}: median {statistics.median(values):.1f} s "
                          f"({', '.join(f'{v:.1f}' for v in values)})")
                if values and which != "features only":
                    shares = [build - floor for build, floor in zip(values, times["features only"])]
                    print(f"{'--clean' if clean else 'warm'} {which} less the floor of its round: median "
                          f"{statistics.median(shares):.1f} s ({', '.join(f'{v:.1f}' for v in shares)})")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(run.WLP / "usr" / "servers" / BUILD_B, ignore_errors=True)


if __name__ == "__main__":
    main()
