#!/usr/bin/env python3
"""The MX's defence before DATA, measured: 10,000 connections, a share of them "botnet-like",
against the bench server with the layer off and on, in turn (off, on, off, on, ...).

    python3 bench/screening.py                          # 10,000 connections, 60 % bots, 2 rounds
    python3 bench/screening.py --connections 4000 --bots 0.8 --rounds 1

Kinds of clients, each from its own loopback addresses (Linux answers for all of 127.0.0.0/8):
  early    bots that send EHLO, MAIL, RCPT and DATA before the greeting (127.2.x.y)
  listed   bots that talk properly from addresses a DNS list names (127.1.x.y; dnsmasq answers
           127.0.0.2 for every name under 1.127.bl.bench, NXDOMAIN for the rest of bl.bench)
  fleeting bots that talk properly, from unlisted addresses, and never retry a 451 (127.3.x.y)
  mta      legitimate servers (40 /24 networks under 127.4.0.0/16, a few addresses each) that retry
           a 451 after the greylist delay, as Postfix would (sooner: --delay plus a second)

With the layer on: SMTP_PREGREET_MILLIS=300, SMTP_DNSBL_ZONES=bl.bench*3 (threshold 3),
SMTP_GREYLISTING=true with SMTP_GREYLIST_DELAY_SECONDS=--delay, the default auto-allow (5).
Reported per round and layer: how many connections of each kind were refused before DATA and how
many messages were taken, the server's CPU-seconds per 1,000 connections of each kind (each kind
of bot and the MTAs run in a phase of their own, so each phase's CPU is theirs; an MTA message
greylisted once costs two connections), every legitimate message stored
(counted in the store) and the longest delay a legitimate message saw from its first attempt.
Needs the bench server (bench/run.py builds it), dnsmasq, and root or CAP_NET_BIND for nothing:
all ports are above 1024. Results go to stdout and bench/results/screening-<time>.md.
"""
import argparse
import asyncio
import datetime
import os
import platform
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench  # noqa: E402

DNS_PORT = 2553
PORT = bench.PORTS["mailforge"]
MESSAGE = ("Subject: {subject}\r\nFrom: <{sender}>\r\nTo: <{rcpt}>\r\nMessage-ID: <{n}@{domain}>\r\n\r\n"
           + "A line of text for the bench, long enough to be a message.\r\n" * 12)


def log(text):
    print(text, flush=True)


class Outcome:
    def __init__(self):
        self.counts = {}
        self.delays = []

    def add(self, kind, result):
        self.counts[(kind, result)] = self.counts.get((kind, result), 0) + 1


async def read_reply(reader):
    """The last line of one reply, or None when the server closed the connection."""
    while True:
        line = await reader.readline()
        if not line:
            return None
        text = line.decode("ascii", "replace").rstrip("\r\n")
        if len(text) < 4 or text[3] != "-":
            return text


async def converse(ip, sender, rcpt, n, early=False):
    """One connection: 'refused-connect', 'refused-greeting', 'greylisted', 'refused-rcpt', 'stored' or 'error'."""
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", PORT, local_addr=(ip, 0)), 30)
    except (OSError, asyncio.TimeoutError):
        return "error"
    domain = sender.split("@")[1]
    body = MESSAGE.format(subject=f"bench {n}", sender=sender, rcpt=rcpt, n=n, domain=domain)
    try:
        commands = [f"EHLO mta.{domain}", f"MAIL FROM:<{sender}>", f"RCPT TO:<{rcpt}>", "DATA"]
        if early:  # everything at once, before the greeting
            writer.write(("\r\n".join(commands) + "\r\n").encode())
            await writer.drain()
        greeting = await asyncio.wait_for(read_reply(reader), 30)
        if greeting is None or not greeting.startswith("220"):
            return "refused-connect" if greeting is None or greeting.startswith("554 5.5.1") else "refused-greeting"
        replies = []
        for command in commands:
            if not early:
                writer.write((command + "\r\n").encode())
                await writer.drain()
            reply = await asyncio.wait_for(read_reply(reader), 30)
            replies.append(reply)
            if reply is None:
                return "error"
            if command.startswith("RCPT") and not reply.startswith("250"):
                writer.write(b"QUIT\r\n")
                await writer.drain()
                if reply.startswith("451 4.7.1"):
                    return "greylisted"
                return "refused-rcpt " + reply[:3]
        if not replies[-1].startswith("354"):
            return "error"
        writer.write(body.encode() + b".\r\nQUIT\r\n")
        await writer.drain()
        final = await asyncio.wait_for(read_reply(reader), 60)
        return "stored" if final and final.startswith("250") else "error"
    except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError):
        return "error"
    finally:
        writer.close()


async def phase(jobs, concurrency):
    gate = asyncio.Semaphore(concurrency)

    async def one(job):
        async with gate:
            return await job()

    return await asyncio.gather(*(one(job) for job in jobs))


BOT_KINDS = ("early", "listed", "fleeting")


def bot_jobs(count, outcome, rng, kind):
    jobs = []
    for n in range(count):
        net = {"early": 2, "listed": 1, "fleeting": 3}[kind]
        ip = f"127.{net}.{rng.randrange(0, 250)}.{rng.randrange(1, 250)}"
        sender = f"offer{rng.randrange(10**6)}@spam{rng.randrange(1000)}.example"
        rcpt = f"user{rng.randrange(100)}@bench.test"

        async def job(kind=kind, ip=ip, sender=sender, rcpt=rcpt, n=n):
            outcome.add(kind, await converse(ip, sender, rcpt, f"bot{n}", early=kind == "early"))
        jobs.append(job)
    return jobs


def mta_jobs(count, outcome, rng, delay):
    jobs = []
    for n in range(count):
        network = rng.randrange(40)
        ip = f"127.4.{network}.{rng.randrange(1, 4)}"
        sender = f"news{rng.randrange(5)}@sender{network}.example"
        rcpt = f"user{rng.randrange(100)}@bench.test"

        async def job(ip=ip, sender=sender, rcpt=rcpt, n=n):
            first = time.monotonic()
            for attempt in range(4):  # a real MTA retries for days; here the delay and a second, a few times
                result = await converse(ip, sender, rcpt, f"mta{n}-{attempt}")
                if result != "greylisted":
                    break
                await asyncio.sleep(delay + 1)
            outcome.add("mta", result)
            if result == "stored":
                outcome.delays.append(time.monotonic() - first)
        jobs.append(job)
    return jobs


def server_env(on, delay):
    env = bench.mailforge_env()
    env.update({"SMTP_MAX_CONNECTIONS": "2000", "SMTP_DNS_SERVER": f"127.0.0.1:{DNS_PORT}"})
    if on:
        env.update({"SMTP_PREGREET_MILLIS": "300", "SMTP_DNSBL_ZONES": "bl.bench*3", "SMTP_DNSBL_THRESHOLD": "3",
                    "SMTP_GREYLISTING": "true", "SMTP_GREYLIST_DELAY_SECONDS": str(delay),
                    "SMTP_SCREENING_EXEMPT": "127.0.0.1/32"})
    return env


def start(on, delay):
    subprocess.run([str(bench.WLP / "bin" / "server"), "start", bench.SERVER], env=server_env(on, delay),
                   stdout=subprocess.DEVNULL, check=True)
    bench.wait_for_greeting(PORT)


def stop():
    subprocess.run([str(bench.WLP / "bin" / "server"), "stop", bench.SERVER], env=bench.mailforge_env(),
                   stdout=subprocess.DEVNULL)


def measure(on, args, seed):
    rng = random.Random(seed)
    start(on, args.delay)
    pid = bench.mailforge_pid()
    try:
        result = {}
        bots = int(args.connections * args.bots)
        outcome = Outcome()
        result["kind_cpu"] = {}
        for kind in BOT_KINDS:  # one phase a kind, so each kind's CPU is its own
            count = bots // len(BOT_KINDS)
            cpu0 = bench.cpu_seconds(pid)
            asyncio.run(phase(bot_jobs(count, outcome, rng, kind), args.concurrency))
            result["kind_cpu"][kind] = (bench.cpu_seconds(pid) - cpu0) / max(count, 1) * 1000
        bots = bots // len(BOT_KINDS) * len(BOT_KINDS)
        result["bot_cpu"] = sum(result["kind_cpu"].values()) / len(BOT_KINDS)
        mtas = args.connections - bots
        store = bench.WORK / "mailforge" / "mail"
        before = bench.count_files(store)
        cpu0 = bench.cpu_seconds(pid)
        asyncio.run(phase(mta_jobs(mtas, outcome, rng, args.delay), args.concurrency))
        result["mta_cpu"] = (bench.cpu_seconds(pid) - cpu0) / max(mtas, 1) * 1000
        time.sleep(2)
        result["mta_in_store"] = bench.count_files(store) - before
        result["counts"] = outcome.counts
        result["max_delay"] = max(outcome.delays) if outcome.delays else 0
        result["mtas"] = mtas
        result["bots"] = bots
        return result
    finally:
        stop()


def render(rounds, args):
    lines = [f"# Screening before DATA, {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC",
             "", f"{platform.node()}, {os.cpu_count()} cores, the server on {bench.java_home()}; {args.connections} connections a round, "
             f"{args.bots:.0%} bots (a third each early talkers, DNS-listed, fleeting), concurrency {args.concurrency}, "
             f"greylist delay {args.delay} s.", "",
             "| round | layer | bots refused before DATA | bot messages stored | server CPU-s per 1,000 bot connections "
             "(early / listed / fleeting) | MTA messages stored (in the store) | longest MTA delay "
             "| server CPU-s per 1,000 MTA messages |",
             "|---|---|---|---|---|---|---|---|"]
    for number, layer, r in rounds:
        refused = sum(v for (kind, result), v in r["counts"].items() if kind != "mta" and result != "stored")
        stored = sum(v for (kind, result), v in r["counts"].items() if kind != "mta" and result == "stored")
        mta = r["counts"].get(("mta", "stored"), 0)
        kinds = " / ".join(f"{r['kind_cpu'][kind]:.2f}" for kind in BOT_KINDS)
        lines.append(f"| {number} | {layer} | {refused} of {r['bots']} | {stored} | {kinds} | "
                     f"{mta} of {r['mtas']} ({r['mta_in_store']}) | {r['max_delay']:.1f} s | {r['mta_cpu']:.2f} |")
    lines += ["", "Outcomes by kind:", ""]
    for number, layer, r in rounds:
        lines.append(f"- round {number}, {layer}: " + ", ".join(f"{kind} {result} {v}" for (kind, result), v in sorted(r["counts"].items())))
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--connections", type=int, default=10_000)
    parser.add_argument("--bots", type=float, default=0.6, help="share of connections from bots")
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--delay", type=int, default=5, help="SMTP_GREYLIST_DELAY_SECONDS")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    dnsmasq = subprocess.Popen(["dnsmasq", "--keep-in-foreground", "--no-resolv", "--no-hosts", f"--port={DNS_PORT}",
                                "--listen-address=127.0.0.1", "--bind-interfaces", "--pid-file=", "--local=/bl.bench/",
                                "--address=/1.127.bl.bench/127.0.0.2"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    rounds = []
    try:
        stop()
        for number in range(1, args.rounds + 1):
            for on in (False, True):
                layer = "on" if on else "off"
                log(f"round {number}, layer {layer} ...")
                result = measure(on, args, seed=number * 1_000_003 + int(time.time()))  # new bots each run
                log(f"  {result}")
                rounds.append((number, layer, result))
    finally:
        dnsmasq.terminate()
    report = render(rounds, args)
    print(report)
    out = bench.ROOT / "bench" / "results" / f"screening-{datetime.datetime.now():%Y%m%d-%H%M%S}.md"
    out.write_text(report)
    log(f"written to {out}")


if __name__ == "__main__":
    main()
