#!/usr/bin/env bash
# A private Postfix instance for the benchmark: SMTP on 127.0.0.1:$1, every recipient of
# bench.test delivered to one maildir under $2/mail (fsync'd queue file, then maildir delivery,
# as any Postfix MX does). Needs root (Postfix drops to its own users).
set -euo pipefail
port=$1
work=$2
conf=$work/etc
mkdir -p "$conf" "$work/mail" "$work/queue" "$work/data"
chown postfix:postfix "$work/data"
chown postfix:postfix "$work/mail"
# Postfix only runs non-default configuration directories that the default one lists
touch /etc/postfix/main.cf
grep -q "^alternate_config_directories.*$conf" /etc/postfix/main.cf \
  || echo "alternate_config_directories = $conf" >> /etc/postfix/main.cf
cat > "$conf/main.cf" <<CONF
compatibility_level = 3.6
queue_directory = $work/queue
data_directory = $work/data
mail_owner = postfix
setgid_group = postdrop
myhostname = postfix.bench.test
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_recipient_restrictions = permit_mynetworks, reject
virtual_mailbox_domains = bench.test
virtual_mailbox_base = $work/mail
virtual_mailbox_maps = static:inbox/
virtual_uid_maps = static:$(id -u postfix)
virtual_gid_maps = static:$(id -g postfix)
virtual_minimum_uid = 1
maillog_file = $work/maillog
maillog_file_prefixes = $work
default_process_limit = 200
smtpd_client_connection_count_limit = 0
smtpd_client_connection_rate_limit = 0
biff = no
# the 10 MB cell: Postfix's default limit (10,240,000 bytes) is below a 10 MiB message
message_size_limit = 52428800
virtual_mailbox_limit = 0
CONF
sed -e "s/^smtp      inet  n       -       y /127.0.0.1:$port inet n - n /" \
    -e "s/^\(postlog .*\)/\1/" /etc/postfix/master.cf > "$conf/master.cf"
grep -q "^postlog" "$conf/master.cf" || echo "postlog   unix-dgram n  -       n       -       1       postlogd" >> "$conf/master.cf"
postfix -c "$conf" set-permissions >/dev/null 2>&1 || true
script -qec "postfix -c $conf check" /dev/null
script -qec "postfix -c $conf start" /dev/null
