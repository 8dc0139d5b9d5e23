package org.mailforge.smtp.settings;

/**
 * Outbound delivery and the queue: how mail for other domains leaves: smarthost or MX, TLS, MTA-STS, retries.
 * One constant per setting; docs/configuration.md is generated from these.
 */
public enum OutboundSetting implements Setting {

    RELAY_HOST(Spec.of("SMTP_RELAY_HOST", null, Rule.ANY,
            "Smarthost for all outbound mail; unset = MX lookup").shown("MX lookup")),
    RELAY_PORT(Spec.of("SMTP_RELAY_PORT", "25", Rule.PORT,
            "The smarthost's port")),
    RELAY_USERNAME(Spec.of("SMTP_RELAY_USERNAME", null, Rule.ANY,
            "AUTH PLAIN at the smarthost, only over STARTTLS with a certificate the JVM's trust store (and " +
            "`SMTP_OUTBOUND_CA_FILE`) verifies (whatever `SMTP_OUTBOUND_TLS` says); without `SMTP_RELAY_HOST` the" +
            " start is refused")),
    RELAY_PASSWORD(Spec.of("SMTP_RELAY_PASSWORD", null, Rule.ANY,
            "Its password").asSecret()),
    OUTBOUND_TLS(Spec.of("SMTP_OUTBOUND_TLS", "may", Rule.oneOf("none", "may", "encrypt"),
            "`may`: STARTTLS when offered, any certificate (opportunistic); `encrypt`: required and verified; " +
            "`none`")),
    OUTBOUND_ADDRESSES(Spec.of("SMTP_OUTBOUND_ADDRESSES", "", Rule.ANY,
            "The public IP addresses mail leaves from, comma-separated, for the DNS check's SPF and reverse-DNS items " +
            "([domain check](domain-check.md)); empty = the addresses of `SMTP_RELAY_HOST`, else of `SMTP_HOSTNAME`")),
    DNS_SERVER(Spec.of("SMTP_DNS_SERVER", null, Rule.ANY,
            "`host` or `host:port` of the DNS server for MX lookups and the SPF, DKIM and DMARC checks").shown("system resolver")),
    DNS_FAILURE_THRESHOLD(Spec.of("SMTP_DNS_FAILURE_THRESHOLD", "5", Rule.range(0, 1000),
            "Questions in a row that get no response from DNS before the resolver itself is asked (the root's NS, " +
            "twice); when that is unanswered too, the checks of received mail and the DNS lists at connect stop asking for " +
            "`SMTP_DNS_FAILURE_PAUSE_SECONDS` and answer at once (`temperror`; a list: not listed) (`/health` says `degraded`, mail flows; " +
            "[mail authentication](mail-authentication.md)). `0`: always ask")),
    DNS_FAILURE_PAUSE_SECONDS(Spec.of("SMTP_DNS_FAILURE_PAUSE_SECONDS", "30", Rule.range(1, 3600),
            "How long nothing is asked then; after it the probe goes out alone, and a response ends the failure")),
    MX_PORT(Spec.of("SMTP_MX_PORT", "25", Rule.PORT,
            "Port of MX hosts")),
    OUTBOUND_ALLOW_PRIVATE(Spec.of("SMTP_OUTBOUND_ALLOW_PRIVATE", "false", Rule.BOOLEAN,
            "Deliver to MX hosts on loopback, private, link-local or reserved addresses (a closed network, " +
            "tests); otherwise such MX records are refused with `550 5.4.4`")),
    OUTBOUND_MTA_STS(Spec.of("SMTP_OUTBOUND_MTA_STS", "true", Rule.BOOLEAN,
            "Follow destination domains' MTA-STS policies (RFC 8461): under `enforce`, only the MX hosts named, " +
            "over verified TLS, or defer")),
    MTA_STS_PORT(Spec.of("SMTP_MTA_STS_PORT", "443", Rule.PORT,
            "HTTPS port MTA-STS policies are fetched from (tests use another)")),
    MTA_STS_FETCH_SECONDS(Spec.of("SMTP_MTA_STS_FETCH_SECONDS", "20", Rule.range(1, 120),
            "Wall-clock limit of one MTA-STS policy's discovery and fetch, however slowly its host answers " +
            "(1-120); the delivery then goes on as to a domain without a policy, or with the cached one")),
    DANE_RESOLVER(Spec.of("SMTP_DANE_RESOLVER", "", Rule.ANY,
            "`address`, `address:port` or `[address]:port` (a loopback IP literal) of a DNSSEC-validating resolver whose AD bit outbound delivery " +
            "trusts, as Postfix's `smtp_dns_support_level = dnssec`; set, it answers every MX, address, TLSA and MTA-STS question of " +
            "delivery and DANE (RFC 7672) applies: an MX host with a validated TLSA record gets verified TLS or no mail " +
            "(`4.7.5`), ahead of MTA-STS. On loopback only: the AD bit travels unauthenticated " +
            "([DANE](dane.md)). Empty = no DANE; not with `SMTP_RELAY_HOST`").shown("no DANE")),
    TLS_REPORTS(Spec.of("SMTP_TLS_REPORTS", "true", Rule.BOOLEAN,
            "Send destination domains a daily TLS report (RFC 8460) of how the TLS of our connections to their MX hosts " +
            "went, to the `mailto:` addresses of their `_smtp._tls` record ([TLS reports](tls-reports.md))")),
    TLS_REPORTS_FROM(Spec.of("SMTP_TLS_REPORTS_FROM", "", Rule.ANY,
            "The reports' From address (its domain is the submitter; give a domain Mailforge signs with DKIM)")
            .shown("postmaster@`SMTP_HOSTNAME`")),
    TLS_REPORTS_MAX_PER_DAY(Spec.of("SMTP_TLS_REPORTS_MAX_PER_DAY", "1000", Rule.range(1, 1_000_000),
            "TLS report messages sent a day at most, all nodes together; the domains past it get none that day")),
    OUTBOUND_CA_FILE(Spec.of("SMTP_OUTBOUND_CA_FILE", null, Rule.ANY,
            "PEM file of extra trust anchors for verified outbound TLS (`encrypt`, MTA-STS, smarthost " +
            "credentials), beside the JVM's")),
    QUEUE_PATH(Spec.of("SMTP_QUEUE_PATH", "/var/spool/mailforge", Rule.TEXT,
            "Content of queued messages").bundled("${server.output.dir}/data/queue")),
    QUEUE_RETRY_SCHEDULE(Spec.of("SMTP_QUEUE_RETRY_SCHEDULE", "1m,5m,15m,1h,4h", Rule.TEXT,
            "Delays between attempts (`s`, `m`, `h`, `d` or plain seconds); the last repeats")),
    QUEUE_MAX_ATTEMPTS(Spec.of("SMTP_QUEUE_MAX_ATTEMPTS", "5", Rule.range(1, 100),
            "Attempts before the message is returned to the sender")),
    QUEUE_CONCURRENCY(Spec.of("SMTP_QUEUE_CONCURRENCY", "10", Rule.range(1, 1000),
            "Delivery MDBs running at once").bundled("10").readByLiberty()),
    QUEUE_SWEEP_SECONDS(Spec.of("SMTP_QUEUE_SWEEP_SECONDS", "30", Rule.range(1, 3600),
            "How often each node's sweeper wakes queue entries overdue by more than this (a wake-up lost in a " +
            "crash, an attempt whose node died once its lease ended) and purges failed entries past their " +
            "retention (1-3600)")),
    QUEUE_FAILED_RETENTION(Spec.of("SMTP_QUEUE_FAILED_RETENTION", "7d", Rule.TEXT,
            "How long a failed queue entry (the sender has had its bounce) stays listed in `/api/queue` before " +
            "the sweeper removes it and its content (`30m`, `12h`, `7d`)")),
    OUTBOUND_TIMEOUT_SECONDS(Spec.of("SMTP_OUTBOUND_TIMEOUT_SECONDS", "300", Rule.range(1, 3600),
            "Per-reply timeout towards destinations (connecting: at most 30 s)")),
    OUTBOUND_ATTEMPT_SECONDS(Spec.of("SMTP_OUTBOUND_ATTEMPT_SECONDS", "600", Rule.range(1, 86_400),
            "Wall-clock limit of one delivery attempt over all its MX hosts (at most 5 addresses per attempt): " +
            "then the connection is closed and the recipients deferred with `4.4.2`; a queue entry's lease is " +
            "this plus `SMTP_OUTBOUND_TIMEOUT_SECONDS`")),
    OUTBOUND_MAX_PER_DESTINATION(Spec.of("SMTP_OUTBOUND_MAX_PER_DESTINATION", "5", Rule.range(1, 10_000),
            "Delivery attempts to one destination domain at once on a node; further entries for it wait 30 s " +
            "without spending an attempt, so a destination that holds connections (a tarpit) delays only its own " +
            "mail")),
    ATRN_DOMAINS(Spec.of("SMTP_ATRN_DOMAINS", "", Rule.ANY,
            "Held domains and who may collect them: `customer.example:alice,bob;other.example:carol`"));

    private final Spec spec;

    OutboundSetting(Spec spec) {
        this.spec = spec;
    }

    @Override
    public Spec spec() {
        return spec;
    }
}
