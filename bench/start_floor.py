#!/usr/bin/env python3
"""How much of the start is Liberty's and how much Mailforge's: the bench server's configuration
(the same features, endpoints, data source, messaging engine and jvm.options) once without the
application, started to "server is ready" (CWWKF0011I), and the bench server itself to its first
220, alternately (A B B A ...), warm and with `--clean`. Prints the medians.

    python3 bench/start_floor.py            # 3 starts of each, warm, and 2 of each with --clean

Needs the bench server built by `bench/run.py` (or `mvn -pl smtp-ear liberty:create liberty:deploy`).
"""
import argparse
import re
import shutil
import statistics
import subprocess
import time

import run

FLOOR = "mailforge-features-only"


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


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warm", type=int, default=3, help="warm starts of each")
    parser.add_argument("--clean", type=int, default=2, help="starts of each with --clean")
    args = parser.parse_args()
    folder = prepare()
    try:
        for clean, count in ((False, args.warm), (True, args.clean)):
            if count == 0:
                continue
            times = {"features only": [], "mailforge": []}
            for i in range(count):
                order = ["features only", "mailforge"] if i % 2 == 0 else ["mailforge", "features only"]
                for which in order:
                    if which == "mailforge":
                        elapsed = run.start_mailforge(clean)
                        run.stop_mailforge()
                    else:
                        elapsed = start_floor(folder, clean)
                    times[which].append(elapsed)
                    run.log(f"{'--clean ' if clean else ''}{which}: {elapsed:.1f} s")
            for which, values in times.items():
                print(f"{'--clean' if clean else 'warm'} {which}: median {statistics.median(values):.1f} s "
                      f"({', '.join(f'{v:.1f}' for v in values)})")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
