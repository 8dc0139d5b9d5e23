#!/usr/bin/env bash
# Haraka (from npm) for the benchmark: SMTP on 127.0.0.1:$1, recipients of bench.test accepted,
# each message written to a file under $2/mail by bench/haraka/bench_file_queue.js. Prints the pid.
set -euo pipefail
port=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$work/npm" "$work/mail"
if [ ! -x "$work/npm/node_modules/.bin/haraka" ]; then
  (cd "$work/npm" && npm install --silent --no-audit --no-fund Haraka@3.3.4 >/dev/null 2>&1)
fi
rm -rf "$work/instance"
"$work/npm/node_modules/.bin/haraka" -i "$work/instance" >/dev/null
cp "$here/haraka/bench_file_queue.js" "$work/instance/plugins/"
printf 'rcpt_to.in_host_list\nbench_file_queue\n' > "$work/instance/config/plugins"
echo bench.test > "$work/instance/config/host_list"
printf 'listen=127.0.0.1:%s\n' "$port" > "$work/instance/config/smtp.ini"
printf '[main]\nlevel=warn\n' > "$work/instance/config/log.ini"
HARAKA_BENCH_DIR="$work/mail" nohup "$work/npm/node_modules/.bin/haraka" -c "$work/instance" >"$work/haraka.log" 2>&1 &
echo $!
