#!/usr/bin/env python3
"""What one stored message costs the database, measured on PostgreSQL (docs/scaling.md).

Starts a private PostgreSQL (Debian's, /usr/lib/postgresql/<n>/bin; port 5442, fsync and
synchronous_commit on, pg_stat_statements loaded), runs the bench server on it (1 KB messages at
concurrency 50, smtp-source, local delivery to one maildir), and after a warm-up counts, for a
measured run of --count messages: statements and transactions per message (pg_stat_statements,
pg_stat_database), WAL bytes and WAL flushes per message (pg_stat_wal), the rows written, and the
CPU-seconds PostgreSQL's own processes spent per 1,000 messages (/proc). Then it measures what
this PostgreSQL does with that work alone: pgbench replays the per-message statement mix (the
ledger's index row and used space, the trace's message and event rows: bench/db_work.sql, with
the measured shape) at concurrency 8 and 32 for --pgbench-seconds each, and reports the messages
per second it sustains, and its CPU per message.

    python3 bench/db_work.py                 # 3,000 measured messages after 3,000 of warm-up
    python3 bench/db_work.py --count 6000

Needs the bench server built by bench/run.py (or `mvn -pl smtp-ear liberty:create liberty:deploy`)
and smtp-source. Writes bench/results/db-work-<time>.md.
"""
import argparse
import glob
import os
import shutil
import subprocess
import time
from pathlib import Path

import run

PORT = 5442
PG_BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1] if glob.glob("/usr/lib/postgresql/*/bin") else None
DATA = Path(os.environ.get("BENCH_PG_DATA", "/tmp/mailforge-bench-postgres"))  # outside BENCH_WORK, which only root may enter
#: messages a ledger transaction carries in pgbench's replay (the measured run commits about one
#: transaction per five messages: the ledger's group commit and the trace's once-a-second flush)
BATCH = 5


def mix_script(batch):
    """pgbench's replay of `batch` stored messages: what the ledger writes (an index row each, the
    mailbox's used space once) in one transaction, and what the trace writes (a message row and two
    steps each) in another, with the statements the server sends (bench/results' statement table)."""
    lines = ["\\set mailbox random(1, 1000)", "\\set size random(900, 1200)", "BEGIN;"]
    for i in range(batch):
        lines.append("INSERT INTO stored_messages (mailbox, storage_key, size_bytes, from_addr, session_id, received_at) VALUES "
                     "('user' || :mailbox || '@bench.test', md5(random()::text) || '.M1P1.bench,S=1100', :size, "
                     "'bench@client.test', substr(md5(random()::text), 1, 16), (extract(epoch from now()) * 1000)::bigint);")
    lines += ["UPDATE users SET used_bytes = used_bytes + :size WHERE email = 'user' || :mailbox || '@bench.test';", "COMMIT;", "BEGIN;"]
    for i in range(batch):
        lines += [f"\\set t{i} random(1, 9000000000000000)",
                  "INSERT INTO trace_messages (id, first_at, last_at, node, listener, client_address, client_name, helo, tls, auth_user, "
                  "sender, message_id, subject, size_bytes, recipients, authentication, scan, accepted, open_entries, failed, temporary, "
                  f"permanent) VALUES ('b' || :client_id || '-' || :t{i}, 1, 2, 'node-a', 'smtp', '127.0.0.1', 'localhost', 'vm', NULL, "
                  "NULL, 'bench@client.test', '<042e.0003.0000@vm>', NULL, :size, 'user@bench.test', NULL, NULL, 1, 0, 0, 0, 0) "
                  "ON CONFLICT (id) DO UPDATE SET last_at = excluded.last_at, accepted = trace_messages.accepted + excluded.accepted;"]
        for kind in ("received", "stored"):
            lines.append("INSERT INTO trace_steps (trace_id, at, kind, recipient, queue_id, outcome, reply, detail) VALUES "
                         f"('b' || :client_id || '-' || :t{i}, 2, '{kind}', 'user@bench.test', NULL, 'ok', '250 2.0.0 Ok', NULL);")
    lines.append("COMMIT;")
    return "\n".join(lines) + "\n"


def pg(*args, **kwargs):
    """Runs a PostgreSQL program as the postgres user (initdb and the server refuse root)."""
    return subprocess.run(["runuser", "-u", "postgres", "--", f"{PG_BIN}/{args[0]}", *args[1:]], check=True, **kwargs)


def sql(query):
    out = pg("psql", "-h", "127.0.0.1", "-p", str(PORT), "-U", "postgres", "-d", "mailforge", "-At", "-F", "\t", "-c", query,
             capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.strip().splitlines() if line]


def start_postgres():
    shutil.rmtree(DATA, ignore_errors=True)
    DATA.mkdir(parents=True)
    shutil.chown(DATA, "postgres", "postgres")
    pg("initdb", "-D", str(DATA), "-U", "postgres", "--auth=trust", stdout=subprocess.DEVNULL)
    with open(DATA / "postgresql.conf", "a") as conf:
        conf.write(f"port = {PORT}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{DATA}'\n"
                   "shared_preload_libraries = 'pg_stat_statements'\npg_stat_statements.track = all\n"
                   "max_connections = 200\nshared_buffers = 256MB\n")
    pg("pg_ctl", "-D", str(DATA), "-l", str(DATA / "log"), "-w", "start", stdout=subprocess.DEVNULL)
    pg("psql", "-h", "127.0.0.1", "-p", str(PORT), "-U", "postgres", "-c", "CREATE DATABASE mailforge", stdout=subprocess.DEVNULL)
    sql("CREATE EXTENSION pg_stat_statements")


def stop_postgres():
    subprocess.run(["runuser", "-u", "postgres", "--", f"{PG_BIN}/pg_ctl", "-D", str(DATA), "-m", "fast", "stop"],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def postgres_cpu_seconds():
    total = 0.0
    for pid in subprocess.run(["pgrep", "-u", "postgres", "postgres"], capture_output=True, text=True).stdout.split():
        try:
            total += run.cpu_seconds(int(pid))
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total


def counters():
    database = sql("SELECT xact_commit, xact_rollback, tup_inserted, tup_updated, tup_deleted, tup_returned, tup_fetched "
                   "FROM pg_stat_database WHERE datname = 'mailforge'")[0]
    wal = sql("SELECT wal_records, wal_bytes, wal_sync, wal_write FROM pg_stat_wal")[0]
    return {"commits": int(database[0]), "rollbacks": int(database[1]), "inserted": int(database[2]), "updated": int(database[3]),
            "deleted": int(database[4]), "wal_records": int(wal[0]), "wal_bytes": int(wal[1]), "wal_syncs": int(wal[2]),
            "cpu": postgres_cpu_seconds()}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=3000, help="measured messages")
    parser.add_argument("--warm", type=int, default=3000, help="messages before the measured run")
    parser.add_argument("--pgbench-seconds", type=int, default=30)
    args = parser.parse_args()
    if not PG_BIN:
        raise SystemExit("PostgreSQL is not installed: apt-get install postgresql")
    start_postgres()
    os.environ["BENCH_SMTP"] = (os.environ.get("BENCH_SMTP", "") + f" SMTP_DB_URL=jdbc:postgresql://127.0.0.1:{PORT}/mailforge"
                                " SMTP_DB_USER=postgres SMTP_DB_PASSWORD=unused SMTP_DB_POOL_SIZE=20").strip()
    shutil.rmtree(run.WORK / "mailforge", ignore_errors=True)
    report = [f"# Database work per stored message, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}", ""]
    try:
        run.start_mailforge()
        folder = run.WORK / "mailforge" / "mail"
        for _ in range(max(1, args.warm // 1000)):
            run.smtp_source(run.PORTS["mailforge"], 1024, 50, 1000)
        time.sleep(3)
        sql("SELECT pg_stat_statements_reset()")
        before = counters()
        stored_before = run.count_files(folder)
        started = time.monotonic()
        elapsed = run.smtp_source(run.PORTS["mailforge"], 1024, 50, args.count)
        stored, until = run.wait_stored(folder, stored_before, args.count, started)
        time.sleep(2)  # the trace's writer flushes once a second
        after = counters()
        statements = sql("SELECT calls, rows, regexp_replace(query, '\\s+', ' ', 'g') FROM pg_stat_statements "
                         "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'mailforge') ORDER BY calls DESC LIMIT 25")
        run.stop_mailforge()
        per = {key: (after[key] - before[key]) / stored for key in after}
        calls = sum(int(s[0]) for s in statements)
        report += [f"Bench server on PostgreSQL ({PG_BIN}), 1 KB at concurrency 50, maildir, {args.warm:,} messages of warm-up, "
                   f"then {stored:,} stored in {max(until, elapsed):.1f} s ({stored / max(until, elapsed):.0f}/s); "
                   f"per stored message:", "",
                   "| measure | per message |", "|---|---|",
                   f"| statements (pg_stat_statements calls) | {calls / stored:.2f} |",
                   f"| transactions committed | {per['commits']:.2f} |",
                   f"| rows inserted / updated / deleted | {per['inserted']:.2f} / {per['updated']:.2f} / {per['deleted']:.2f} |",
                   f"| WAL records / bytes | {per['wal_records']:.1f} / {per['wal_bytes']:.0f} |",
                   f"| WAL flushes (fsync) | {per['wal_syncs']:.3f} |",
                   f"| PostgreSQL CPU-seconds per 1,000 messages | {per['cpu'] * 1000:.3f} |", "",
                   "Statements (calls per stored message, rows per call):", "",
                   "| calls/msg | rows/call | statement |", "|---|---|---|"]
        for calls_, rows, query in statements:
            if int(calls_) >= stored * 0.01:
                report.append(f"| {int(calls_) / stored:.3f} | {int(rows) / max(1, int(calls_)):.1f} | `{query[:160]}` |")
        report += [""]
        report += pgbench(args.pgbench_seconds)
    finally:
        run.stop_mailforge()
        stop_postgres()
    out = Path(__file__).resolve().parent / "results" / time.strftime("db-work-%Y%m%d-%H%M%S.md", time.gmtime())
    out.write_text("\n".join(report) + "\n")
    print("\n".join(report))
    print(f"written to {out}")


def pgbench(seconds):
    """The per-message statement mix alone (mix_script), against the same PostgreSQL and schema:
    what this PostgreSQL sustains when it does nothing else, on this machine's 2 cores (pgbench
    included)."""
    script = DATA / "mix.sql"
    lines = [f"PostgreSQL alone on the per-message mix (`mix_script` in `bench/db_work.py`: {BATCH} messages a "
             f"ledger transaction and a trace transaction, the statements above; pgbench, {seconds} s a run, "
             "pgbench on the same 2 cores):", "",
             "| clients | messages/s | whole-machine CPU-s per 1,000 messages | WAL flushes per message |", "|---|---|---|---|"]
    for batch, clients in ((BATCH, 8), (BATCH, 32), (1, 32)):
        script.write_text(mix_script(batch))
        shutil.chown(script, "postgres", "postgres")
        cpu0, wal0 = run.machine_cpu_seconds(), counters()["wal_syncs"]
        out = pg("pgbench", "-h", "127.0.0.1", "-p", str(PORT), "-U", "postgres", "-n", "-c", str(clients), "-j", "2",
                 "-T", str(seconds), "-f", str(script), "mailforge", capture_output=True, text=True).stdout
        tps = next(float(line.split("=")[1].split()[0]) for line in out.splitlines() if line.startswith("tps"))
        messages = tps * batch
        cpu = run.machine_cpu_seconds() - cpu0
        flushes = (counters()["wal_syncs"] - wal0) / (messages * seconds)
        lines.append(f"| {clients}{' (one message a transaction)' if batch == 1 else ''} | {messages:.0f} | "
                     f"{cpu / (messages * seconds) * 1000:.3f} | {flushes:.3f} |")
    return lines + [""]


if __name__ == "__main__":
    main()
