package org.mailforge.infrastructure.storage;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

import org.mailforge.application.config.LmtpConfiguration;
import org.mailforge.domain.mail.Delivery;
import org.mailforge.domain.mail.Folder;
import org.mailforge.domain.mail.MailStore;
import org.mailforge.domain.mail.MailboxRefusal;
import org.mailforge.domain.mail.StoredLocation;
import org.mailforge.smtp.client.SmtpClient;
import org.mailforge.smtp.spi.MessageContent;
import org.mailforge.smtp.spi.RecipientReply;
import org.mailforge.smtp.spi.Reply;

/**
 * Hands mail to a local delivery agent's LMTP service (RFC 2033), such as Dovecot's, which then
 * owns the mailboxes: it files the message (its own Maildir, mdbox, Sieve rules, quota) and serves
 * it over IMAP. A mailbox counts as stored when that server answered {@code 250} for it after the
 * data; LMTP answers per recipient, so a mailbox it refuses is reported, not thrown.
 *
 * <p>Junk goes to the recipient's {@code +Junk} detail address, which Dovecot files in the
 * {@code Junk} folder with {@code lmtp_save_to_detail_mailbox = yes} (see docs/dovecot.md).
 *
 * <p>A message Dovecot has taken cannot be taken back over LMTP: {@link #remove} (the undo of a
 * transaction that failed later, e.g. at the ledger) logs it and leaves the copy, so a client's
 * retry of such a transaction may deliver twice; never none.
 */
public final class LmtpMailStore implements MailStore {

    private static final Logger LOG = Logger.getLogger(LmtpMailStore.class.getName());
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Per read: Dovecot answers after writing and syncing the message, and large ones take a while. */
    private static final Duration READ_TIMEOUT = Duration.ofMinutes(5);
    private static final String JUNK_DETAIL = "+Junk";

    private final LmtpConfiguration target;
    private final String hostname;
    private final RemoteStoreCheck health;

    /**
     * @param hostname this server's name, for LHLO
     */
    public LmtpMailStore(LmtpConfiguration target, String hostname) {
        this.target = target;
        this.hostname = hostname;
        this.health = new RemoteStoreCheck("LMTP storage", () -> {
            try (Conversation lmtp = open()) {
                lmtp.client.command("NOOP");
            }
        }, LOG);
    }

    @Override
    public StoredLocation store(String mailbox, Folder folder, String returnPath, MessageContent content) throws IOException {
        Delivery delivery = storeAll(List.of(mailbox), folder, returnPath, content);
        if (!delivery.refused().isEmpty()) {
            MailboxRefusal refusal = delivery.refused().get(0);
            throw new IOException("the LMTP server refused " + mailbox + ": " + refusal.code() + " " + refusal.text());
        }
        return delivery.stored().get(0);
    }

    @Override
    public Delivery storeAll(List<String> mailboxes, Folder folder, String returnPath, MessageContent content) throws IOException {
        List<String> recipients = mailboxes.stream().map(mailbox -> folder == Folder.JUNK ? junkAddress(mailbox) : mailbox).toList();
        List<RecipientReply> replies;
        try (Conversation lmtp = open()) {
            boolean utf8 = lmtp.client.supports("SMTPUTF8") && !isAscii(returnPath + String.join("", recipients));
            replies = lmtp.client.send(returnPath, recipients, content, utf8);
            lmtp.client.quit();
        }
        List<StoredLocation> stored = new ArrayList<>();
        List<MailboxRefusal> refused = new ArrayList<>();
        for (int i = 0; i < mailboxes.size(); i++) {
            Reply reply = replies.get(i).reply();
            if (replies.get(i).delivered()) {
                stored.add(new StoredLocation(mailboxes.get(i), key(reply), content.size()));
            } else {
                refused.add(refusal(mailboxes.get(i), reply));
            }
        }
        return new Delivery(stored, refused);
    }

    /** RCPT TO for the mailbox on a transaction that is then abandoned: Dovecot checks the user and its quota. */
    @Override
    public Optional<MailboxRefusal> probe(String mailbox) throws IOException {
        try (Conversation lmtp = open()) {
            Reply mail = lmtp.client.command("MAIL FROM:<>");
            if (mail.code() != 250) {
                throw new IOException("the LMTP server at " + target + " answered MAIL with " + mail.render().strip());
            }
            Reply rcpt = lmtp.client.command("RCPT TO:<" + mailbox + ">");
            lmtp.client.quit();
            return rcpt.code() / 100 == 2 ? Optional.empty() : Optional.of(refusal(mailbox, rcpt));
        }
    }

    /**
     * Nothing to check at start-up: the LMTP server may start after this one, and until it answers
     * readiness says so and recipients are answered {@code 451}.
     */
    @Override
    public void checkAvailable() {
        LOG.info(() -> "LMTP storage: mail goes to " + target);
    }

    @Override
    public List<String> problems() {
        return health.problems();
    }

    /** The mail belongs to the LMTP server's mailbox of the user; its own tools (doveadm) rename it. */
    @Override
    public void renameMailbox(String from, String to) {
        LOG.warning(() -> "LMTP storage: the mail of " + from + " stays with the LMTP server under that name; "
                + "move it there (doveadm) to " + to);
    }

    @Override
    public boolean keepsMailElsewhere() {
        return true;
    }

    @Override
    public void removeMailbox(String mailbox) {
        LOG.warning(() -> "LMTP storage: the mail of " + mailbox + " stays with the LMTP server; remove it there (doveadm)");
    }

    @Override
    public void remove(StoredLocation location) {
        LOG.warning(() -> "LMTP storage: cannot take back the copy the LMTP server took for " + location.mailbox()
                + " (" + location.key() + "); a retry of this transaction may deliver it twice");
    }

    /**
     * The LMTP server's refusal as our client will hear it: its 4xx or 5xx as they are (the text
     * cut to fit one reply line, control characters replaced); anything else (a 3xx where none
     * belongs) is a protocol error, answered as a temporary failure.
     */
    private static MailboxRefusal refusal(String mailbox, Reply reply) {
        String joined = String.join(" ", reply.lines()).replaceAll("\\p{Cntrl}", "?");
        String text = joined.length() <= 300 ? joined : joined.substring(0, 300) + "..."; // a reply line has 512 octets
        return reply.code() >= 400 ? new MailboxRefusal(mailbox, reply.code(), reply.status(), text)
                : new MailboxRefusal(mailbox, 451, "4.5.0", "LMTP protocol error (" + reply.code() + " " + text + ")");
    }

    /** {@code user@domain} to {@code user+Junk@domain}. */
    static String junkAddress(String mailbox) {
        int at = mailbox.lastIndexOf('@');
        return at < 0 ? mailbox + JUNK_DETAIL : mailbox.substring(0, at) + JUNK_DETAIL + mailbox.substring(at);
    }

    /** What the LMTP server called the stored copy: its reply text, e.g. {@code <a@example.test> Pyj0BfPYDmdIcAAA Saved}. */
    private static String key(Reply reply) {
        String text = "lmtp:" + String.join(" ", reply.lines());
        return text.length() <= 200 ? text : text.substring(0, 200);
    }

    private static boolean isAscii(String text) {
        return StandardCharsets.US_ASCII.newEncoder().canEncode(text);
    }

    private Conversation open() throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(target.host(), target.port()), (int) CONNECT_TIMEOUT.toMillis());
            socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
            SmtpClient client = SmtpClient.lmtp(socket.getInputStream(), socket.getOutputStream());
            Reply greeting = client.greeting();
            if (greeting.code() != 220) {
                throw new IOException("the LMTP server at " + target + " greeted with " + greeting.render().strip());
            }
            Reply hello = client.hello(hostname);
            if (hello.code() != 250) {
                throw new IOException("the LMTP server at " + target + " answered LHLO with " + hello.render().strip());
            }
            return new Conversation(socket, client);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** One LMTP connection, closed with the try block that opened it. */
    private record Conversation(Socket socket, SmtpClient client) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
