package org.mailforge.smtp.settings;

/**
 * Storage, database and messaging: where mail, the database and the queues live.
 * One constant per setting; docs/configuration.md is generated from these.
 */
public enum StorageSetting implements Setting {

    STORAGE_TYPE(Spec.of("SMTP_STORAGE_TYPE", "maildir", Rule.oneOf("maildir", "mbox", "database", "s3", "timeseries", "lmtp"),
            "`maildir`, `mbox`, `timeseries`, `database` (the spec's `messages` table in SQLite/PostgreSQL with " +
            "full-text search), `s3` or `lmtp` (hand mail to Dovecot's LMTP, see [docs/dovecot.md](dovecot.md)); " +
            "anything else stops start-up")),
    STORAGE_PATH(Spec.of("SMTP_STORAGE_PATH", "/var/mail", Rule.TEXT,
            "Root of the mail storage; must be writable or start-up fails naming this variable").bundled("${server.output.dir}/data/mail")),
    STORAGE_ENCRYPTION_KEY(Spec.of("SMTP_STORAGE_ENCRYPTION_KEY", null, Rule.ANY,
            "32 octets in base64 (`openssl rand -base64 32`): with `timeseries`, messages are stored encrypted " +
            "with AES-256-GCM; with any storage, DKIM private keys are sealed with it in the database (keys " +
            "sealed with it need it to sign; without it mail leaves unsigned and the log says why)").asSecret()),
    DB_PATH(Spec.of("SMTP_DB_PATH", "smtp.db", Rule.TEXT,
            "SQLite database file").bundled("${server.output.dir}/data/smtp.db")),
    DB_URL(Spec.of("SMTP_DB_URL", null, Rule.ANY,
            "A `jdbc:postgresql://host:port/db` (or `jdbc:sqlite:`) URL; wins over `SMTP_DB_PATH`").shown("SQLite at `SMTP_DB_PATH`").bundled("jdbc:sqlite:${SMTP_DB_PATH}?journal_mode=WAL&synchronous=FULL&busy_timeout=30000").readByLiberty()),
    DB_USER(Spec.of("SMTP_DB_USER", null, Rule.ANY,
            "Database user for `SMTP_DB_URL`").bundled("").readByLiberty()),
    DB_PASSWORD(Spec.of("SMTP_DB_PASSWORD", null, Rule.ANY,
            "Its password").bundled("").readByLiberty().asSecret()),
    DB_POOL_SIZE(Spec.of("SMTP_DB_POOL_SIZE", "4", Rule.range(1, 1000),
            "Connections in the server's pool (raise to 20 or so for PostgreSQL)").bundled("4").readByLiberty()),
    LMTP_HOST(Spec.of("SMTP_LMTP_HOST", "127.0.0.1", Rule.TEXT,
            "With `lmtp`: the LMTP service (RFC 2033) that takes the mail; recipients are asked about at RCPT " +
            "(Dovecot's refusal, e.g. unknown user or full quota, goes to the client for that recipient only), " +
            "and the `250` follows Dovecot's `250` for every mailbox")),
    LMTP_PORT(Spec.of("SMTP_LMTP_PORT", "24", Rule.PORT,
            "Its port")),
    S3_BUCKET(Spec.of("SMTP_S3_BUCKET", null, Rule.ANY,
            "With `s3`: an existing bucket (start-up fails naming this variable if it does not exist; the server " +
            "never creates buckets)")),
    S3_REGION(Spec.of("SMTP_S3_REGION", "us-east-1", Rule.TEXT,
            "Signing region")),
    S3_ACCESS_KEY(Spec.of("SMTP_S3_ACCESS_KEY", null, Rule.ANY,
            "With `SMTP_S3_SECRET_KEY`, both or neither; neither uses the AWS SDK's default chain (`AWS_*` " +
            "variables, instance or pod roles)")),
    S3_SECRET_KEY(Spec.of("SMTP_S3_SECRET_KEY", null, Rule.ANY,
            "Its secret key").asSecret()),
    S3_ENDPOINT(Spec.of("SMTP_S3_ENDPOINT", null, Rule.ANY,
            "`http(s)://host:port` of an S3-compatible store (MinIO, Ceph RGW, s3proxy)").shown("AWS")),
    S3_PATH_STYLE(Spec.of("SMTP_S3_PATH_STYLE", null, Rule.BOOLEAN,
            "`http://host/bucket/key` addressing").shown("true with an endpoint, else false")),
    S3_MULTIPART_THRESHOLD(Spec.of("SMTP_S3_MULTIPART_THRESHOLD", "16777216", Rule.range(5L << 20, 5L << 30),
            "Messages above it go up as a multipart upload")),
    S3_PART_SIZE(Spec.of("SMTP_S3_PART_SIZE", "8388608", Rule.range(5L << 20, 5L << 30),
            "The size of its parts")),
    QUEUE_STORAGE(Spec.of("SMTP_QUEUE_STORAGE", "file", Rule.oneOf("file", "s3"),
            "`file` (queued content in `SMTP_QUEUE_PATH`) or `s3` (in `SMTP_S3_BUCKET` under `queue/`, so every " +
            "node of a cluster can deliver it); let the queue drain (`GET /api/queue` empty) before switching, " +
            "entries keep the name of their content")),
    MESSAGING(Spec.of("SMTP_MESSAGING", "embedded", Rule.oneOfExactly("embedded", "artemis"),
            "`embedded` (Liberty's messaging engine, one machine) or `artemis` (a shared ActiveMQ Artemis broker " +
            "for a cluster)").bundled("embedded").readByLiberty()),
    ARTEMIS_CONNECTION(Spec.of("SMTP_ARTEMIS_CONNECTION", "host=127.0.0.1;port=61616", Rule.TEXT,
            "The Artemis connector's parameters").bundled("host=127.0.0.1;port=61616").readByLiberty()),
    ARTEMIS_USER(Spec.of("SMTP_ARTEMIS_USER", "", Rule.ANY,
            "Broker user").bundled("").readByLiberty()),
    ARTEMIS_PASSWORD(Spec.of("SMTP_ARTEMIS_PASSWORD", "", Rule.ANY,
            "Its password").bundled("").readByLiberty().asSecret());

    private final Spec spec;

    StorageSetting(Spec spec) {
        this.spec = spec;
    }

    @Override
    public Spec spec() {
        return spec;
    }
}
