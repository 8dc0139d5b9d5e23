#!/usr/bin/env python3
"""What one message costs the shared parts of a two-node cluster (docs/scaling.md).

The MultiNodeIT set-up, at load: two Mailforge nodes (the bench server and a copy of it) on one
PostgreSQL (bench/db_work.py's, port 5442), one ActiveMQ Artemis broker (SMTP_MESSAGING=artemis)
and one S3 bucket (s3proxy, SMTP_STORAGE_TYPE=s3 and SMTP_QUEUE_STORAGE=s3). Between the nodes
and s3proxy sits a counting proxy (this script) that reads every HTTP request and counts it by
method. Two phases, each with half of the load on each node at once (smtp-source, 1 KB,
concurrency 25 a node):

- local delivery: mail for mailboxes of the local domain, stored in S3;
- forwarding: mail for an alias whose target is outside (SRS), queued (queue row in PostgreSQL,
  content in S3, a JMS message through Artemis) and delivered to smtp-sink as the smarthost.

For each phase, per message: SQL statements and transactions (pg_stat_statements,
pg_stat_database), WAL bytes and flushes, JMS messages (Artemis' MESSAGES_ADDED over its queues),
S3 requests by method, and PostgreSQL's, the broker's and s3proxy's CPU-seconds per 1,000.

    python3 bench/cluster_work.py                # 4,000 messages a phase after 2,000 of warm-up

Needs the bench server built (`mvn -pl smtp-ear liberty:create liberty:deploy`), smtp-source and
smtp-sink (Debian's postfix), PostgreSQL, and the Artemis and s3proxy artifacts in ~/.m2 (the
build's own test dependencies). Writes bench/results/cluster-work-<time>.md.
"""
import argparse
import json
import os
import shutil
import socket
import subprocess
import threading
import time
import urllib.request
import zipfile
from base64 import b64encode
from pathlib import Path

import db_work
import run

M2 = Path.home() / ".m2" / "repository"
ARTEMIS_ZIP = sorted(M2.glob("org/apache/activemq/apache-artemis/*/apache-artemis-*-bin.zip"))
S3PROXY_JAR = sorted(M2.glob("org/gaul/s3proxy/*/s3proxy-*-jar-with-dependencies.jar"))
ARTEMIS_PORT, S3_PORT, S3_PROXY_PORT, SINK_PORT = 61646, 2591, 2592, 2593
ARTEMIS_USER, ARTEMIS_PASSWORD = "mailforge", "bench-artemis-password"
S3_KEY, S3_SECRET, BUCKET = "bench-access", "bench-secret", "mailforge-bench"
NODES = {"mailforge": (run.PORTS["mailforge"], run.HTTP_PORT), "mailforge-b": (2535, 2620)}
ALIAS, OUTSIDE = "forward@bench.test", "someone@outside.test"
ADMIN = ("admin", "bench-admin-password")
CONCURRENCY = 25


class CountingProxy:
    """A TCP proxy in front of s3proxy that parses the HTTP/1.1 requests going through it (request
    line, headers, a body by Content-Length or chunked) and counts them by method; the answers are
    copied back unread."""

    def __init__(self, listen_port, target_port):
        self.counts = {}
        self.lock = threading.Lock()
        self.target_port = target_port
        self.server = socket.create_server(("127.0.0.1", listen_port), backlog=256)
        threading.Thread(target=self.accept, daemon=True).start()

    def snapshot(self):
        with self.lock:
            return dict(self.counts)

    def accept(self):
        while True:
            client, _ = self.server.accept()
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            threading.Thread(target=self.requests, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self.copy, args=(upstream, client), daemon=True).start()

    @staticmethod
    def copy(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def requests(self, client, upstream):
        reader = client.makefile("rb")
        try:
            while line := reader.readline():
                head, headers = [line], {}
                while (field := reader.readline()) not in (b"\r\n", b"\n", b""):
                    head.append(field)
                    name, _, value = field.decode("latin-1").partition(":")
                    headers[name.strip().lower()] = value.strip()
                head.append(b"\r\n")
                upstream.sendall(b"".join(head))
                method = line.split(b" ", 1)[0].decode("latin-1")
                with self.lock:
                    self.counts[method] = self.counts.get(method, 0) + 1
                if headers.get("transfer-encoding", "").lower() == "chunked":
                    while True:
                        size_line = reader.readline()
                        upstream.sendall(size_line)
                        size = int(size_line.split(b";")[0], 16)
                        upstream.sendall(reader.read(size + 2))
                        if size == 0:
                            break
                else:
                    remaining = int(headers.get("content-length", "0"))
                    while remaining > 0:
                        data = reader.read(min(remaining, 65536))
                        if not data:
                            return
                        upstream.sendall(data)
                        remaining -= len(data)
        except OSError:
            pass
        finally:
            try:
                upstream.shutdown(socket.SHUT_WR)
            except OSError:
                pass


def start_artemis():
    home = run.WORK / "artemis-dist"
    if not (home / "bin" / "artemis").exists():
        with zipfile.ZipFile(ARTEMIS_ZIP[-1]) as archive:
            archive.extractall(run.WORK)
        shutil.rmtree(home, ignore_errors=True)
        next(run.WORK.glob("apache-artemis-*")).rename(home)
        (home / "bin" / "artemis").chmod(0o755)
    instance = run.WORK / "artemis-instance"
    shutil.rmtree(instance, ignore_errors=True)
    run.run([str(home / "bin" / "artemis"), "create", "--silent", "--user", ARTEMIS_USER, "--password", ARTEMIS_PASSWORD,
             "--require-login", "--host", "127.0.0.1", "--default-port", str(ARTEMIS_PORT), "--no-web", "--no-amqp-acceptor",
             "--no-mqtt-acceptor", "--no-stomp-acceptor", "--no-hornetq-acceptor", str(instance)], stdout=subprocess.DEVNULL)
    process = subprocess.Popen([str(instance / "bin" / "artemis"), "run"], stdout=open(instance / "broker.log", "w"),
                               stderr=subprocess.STDOUT, env=dict(os.environ, JAVA_HOME=run.java_home() or ""))
    wait_port(ARTEMIS_PORT)
    return process, instance


def jms_messages_added(instance):
    """Messages added to every queue of the broker so far (its own `queue stat`), system queues aside."""
    out = subprocess.run([str(instance / "bin" / "artemis"), "queue", "stat", "--url", f"tcp://127.0.0.1:{ARTEMIS_PORT}",
                          "--user", ARTEMIS_USER, "--password", ARTEMIS_PASSWORD, "--maxRows", "200"],
                         capture_output=True, text=True, check=True).stdout
    total = 0
    for line in out.splitlines():
        # |NAME|ADDRESS|CONSUMER COUNT|MESSAGE COUNT|MESSAGES ADDED|... (each heading over two lines)
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) > 4 and cells[4].isdigit() and not cells[0].startswith(("$", "activemq.", "DLQ", "ExpiryQueue")):
            total += int(cells[4])
    return total


def start_s3proxy():
    folder = run.WORK / "s3proxy"
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "buckets" / BUCKET).mkdir(parents=True)
    properties = folder / "s3proxy.properties"
    properties.write_text("\n".join([f"s3proxy.endpoint=http://127.0.0.1:{S3_PORT}", "s3proxy.authorization=aws-v2-or-v4",
                                     f"s3proxy.identity={S3_KEY}", f"s3proxy.credential={S3_SECRET}", "jclouds.provider=filesystem",
                                     f"jclouds.filesystem.basedir={folder / 'buckets'}", ""]))
    java = Path(run.java_home() or "/usr") / "bin" / "java"
    process = subprocess.Popen([str(java), "-Xmx256m", "-jar", str(S3PROXY_JAR[-1]), "--properties", str(properties)],
                               stdout=open(folder / "s3proxy.log", "w"), stderr=subprocess.STDOUT)
    wait_port(S3_PORT)
    return process


def wait_port(port, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"nothing listened on port {port} within {timeout} s")


def cluster_settings():
    return {"SMTP_DB_URL": f"jdbc:postgresql://127.0.0.1:{db_work.PORT}/mailforge", "SMTP_DB_USER": "postgres",
            "SMTP_DB_PASSWORD": "unused", "SMTP_DB_POOL_SIZE": "20",
            "SMTP_STORAGE_TYPE": "s3", "SMTP_QUEUE_STORAGE": "s3", "SMTP_S3_BUCKET": BUCKET,
            "SMTP_S3_ENDPOINT": f"http://127.0.0.1:{S3_PROXY_PORT}", "SMTP_S3_ACCESS_KEY": S3_KEY, "SMTP_S3_SECRET_KEY": S3_SECRET,
            "SMTP_MESSAGING": "artemis", "SMTP_ARTEMIS_CONNECTION": f"host=127.0.0.1;port={ARTEMIS_PORT}",
            "SMTP_ARTEMIS_USER": ARTEMIS_USER, "SMTP_ARTEMIS_PASSWORD": ARTEMIS_PASSWORD,
            "SMTP_RELAY_HOST": "127.0.0.1", "SMTP_RELAY_PORT": str(SINK_PORT),
            "SMTP_SRS_SECRET": "bench-srs-secret-0123456789", "SMTP_SRS_DOMAIN": "bench.test"}


def node_env(name):
    smtp_port, http_port = NODES[name]
    env = run.server_env(name, smtp_port, http_port) if name != run.SERVER else run.mailforge_env()
    env.update(cluster_settings())
    return env


def start_node(name):
    if name != run.SERVER:
        run.copy_server(name)
    subprocess.run([str(run.WLP / "bin" / "server"), "start", name], env=node_env(name), stdout=subprocess.DEVNULL, check=True)


def stop_node(name):
    subprocess.run([str(run.WLP / "bin" / "server"), "stop", name], env=node_env(name), stdout=subprocess.DEVNULL)


def node_pid(name):
    return int((run.WLP / "usr" / "servers" / ".pid" / f"{name}.pid").read_text().strip())


def api(method, path, body=None):
    port = NODES[run.SERVER][1]
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Content-Type": "application/json",
                                              "Authorization": "Basic " + b64encode(":".join(ADMIN).encode()).decode()})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status


def load(count, recipient):
    """`count` messages, half to each node at once."""
    threads = [threading.Thread(target=run.run, args=(["smtp-source", "-s", str(CONCURRENCY), "-l", "1024", "-m", str(count // 2),
                                                       "-f", "bench@client.test", "-t", recipient, f"127.0.0.1:{port}"],),
                                kwargs={"stdout": subprocess.DEVNULL}) for port, _ in NODES.values()]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.monotonic() - started


def stored_count():
    return int(db_work.sql("SELECT count(*) FROM stored_messages")[0][0])


def queued_count():
    return int(db_work.sql("SELECT count(*) FROM outbound_messages")[0][0])


def wait_until(condition, timeout=300):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    raise SystemExit("the cluster did not finish within the time allowed")


def cpu(processes):
    return {name: run.cpu_seconds(pid) for name, pid in processes.items()}


def phase(name, count, recipient, done, instance, proxy, pids):
    db_work.sql("SELECT pg_stat_statements_reset()")
    before, jms0, s3_0, cpu0 = db_work.counters(), jms_messages_added(instance), proxy.snapshot(), cpu(pids)
    elapsed = load(count, recipient)
    wait_until(done)
    time.sleep(3)  # the trace's once-a-second writer on each node
    after, jms1, s3_1, cpu1 = db_work.counters(), jms_messages_added(instance), proxy.snapshot(), cpu(pids)
    statements = db_work.sql("SELECT calls, rows, regexp_replace(query, '\\s+', ' ', 'g') FROM pg_stat_statements "
                             "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'mailforge') ORDER BY calls DESC LIMIT 30")
    per = {key: (after[key] - before[key]) / count for key in after}
    calls = sum(int(s[0]) for s in statements)
    s3 = {method: (s3_1.get(method, 0) - s3_0.get(method, 0)) / count for method in sorted(s3_1)}
    lines = [f"## {name}", "", f"{count:,} messages, half to each node at once, sent in {elapsed:.1f} s "
             f"({count / elapsed:.0f}/s for the pair); per message:", "", "| measure | per message |", "|---|---|",
             f"| SQL statements (pg_stat_statements calls) | {calls / count:.2f} |",
             f"| transactions committed | {per['commits']:.2f} |",
             f"| rows inserted / updated / deleted | {per['inserted']:.2f} / {per['updated']:.2f} / {per['deleted']:.2f} |",
             f"| WAL records / bytes / flushes | {per['wal_records']:.1f} / {per['wal_bytes']:.0f} / {per['wal_syncs']:.3f} |",
             f"| JMS messages (added to the broker's queues) | {(jms1 - jms0) / count:.3f} |",
             "| S3 requests | " + (", ".join(f"{m} {v:.2f}" for m, v in s3.items() if v) or "none") + " |"]
    for process in pids:
        lines.append(f"| {process} CPU-seconds per 1,000 messages | {(cpu1[process] - cpu0[process]) / count * 1000:.2f} |")
    lines.append(f"| PostgreSQL CPU-seconds per 1,000 messages | {per['cpu'] * 1000:.2f} |")
    lines += ["", "Statements (calls per message, rows per call):", "", "| calls/msg | rows/call | statement |", "|---|---|---|"]
    for calls_, rows, query in statements:
        if int(calls_) >= count * 0.01:
            lines.append(f"| {int(calls_) / count:.3f} | {int(rows) / max(1, int(calls_)):.1f} | `{query[:150]}` |")
    return lines + [""]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=4000, help="messages a phase (half to each node)")
    parser.add_argument("--warm", type=int, default=2000, help="messages of each kind before the measured phases")
    args = parser.parse_args()
    for needed, what in ((db_work.PG_BIN, "postgresql"), (ARTEMIS_ZIP, "the Artemis distribution (mvn verify -pl smtp-ear once)"),
                         (S3PROXY_JAR, "s3proxy's jar (mvn test -pl smtp-ejb once)"), (shutil.which("smtp-sink", path="/usr/sbin"), "postfix")):
        if not needed:
            raise SystemExit(f"missing: {what}")
    report = [f"# A two-node cluster's shared work per message, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}", "",
              "Two Mailforge nodes (bench server and its copy, 2 cores shared with everything below), one PostgreSQL "
              f"({db_work.PG_BIN}, fsync on), one Artemis broker, s3proxy (filesystem) behind a counting proxy, smtp-sink as the "
              f"smarthost; 1 KB messages, smtp-source at concurrency {CONCURRENCY} on each node at once.", ""]
    processes, nodes = [], []
    try:
        db_work.start_postgres()
        artemis, instance = start_artemis()
        processes.append(artemis)
        processes.append(start_s3proxy())
        proxy = CountingProxy(S3_PROXY_PORT, S3_PORT)
        processes.append(subprocess.Popen(["/usr/sbin/smtp-sink", "-u", "nobody", f"127.0.0.1:{SINK_PORT}", "256"],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        for name in NODES:
            shutil.rmtree(run.WORK / name, ignore_errors=True)
        start_node(run.SERVER)  # first: it migrates the schema
        run.wait_for_greeting(NODES[run.SERVER][0])
        nodes.append(run.SERVER)
        start_node("mailforge-b")
        run.wait_for_greeting(NODES["mailforge-b"][0])
        nodes.append("mailforge-b")
        api("POST", "/api/aliases", {"address": ALIAS, "targets": [OUTSIDE]})
        time.sleep(3)  # every node reads aliases at most every 2 s
        pids = {"node A": node_pid(run.SERVER), "node B": node_pid("mailforge-b"), "Artemis": artemis.pid, "s3proxy": processes[1].pid}
        stored0 = stored_count()
        load(args.warm, "user@bench.test")
        load(args.warm, ALIAS)
        wait_until(lambda: stored_count() >= stored0 + args.warm and queued_count() == 0)
        report += phase("Local delivery (a mailbox of the local domain, stored in S3)", args.count, "user@bench.test",
                        lambda base=stored_count(): stored_count() >= base + args.count, instance, proxy, pids)
        report += phase(f"Forwarding (an alias to an outside address: queued, then delivered to the smarthost)", args.count, ALIAS,
                        lambda: queued_count() == 0, instance, proxy, pids)
    finally:
        for name in nodes:
            stop_node(name)
        for process in processes:
            process.terminate()
            process.wait(30)
        db_work.stop_postgres()
    out = Path(__file__).resolve().parent / "results" / time.strftime("cluster-work-%Y%m%d-%H%M%S.md", time.gmtime())
    out.write_text("\n".join(report) + "\n")
    print("\n".join(report))
    print(f"written to {out}")


if __name__ == "__main__":
    main()
