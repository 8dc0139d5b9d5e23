package org.mailforge.application.scanning;

import java.util.Optional;
import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.mailforge.application.common.HourlyCounts;
import org.mailforge.application.config.ServerConfiguration;
import org.mailforge.application.config.StorageConfiguration;
import org.mailforge.domain.mail.Folder;
import org.mailforge.smtp.spi.MessageContent;

/**
 * A user's "this is spam" or "this is not spam" on a stored message: the spam scanner learns from
 * it (rspamd's controller), and the message moves into Junk or back into the inbox. The scanner
 * learns first: a report the scanner did not take moves nothing, so the user can report again.
 * What a user teaches counts for everyone (unless rspamd keeps statistics per user), so a
 * mailbox may report {@link #REPORTS_PER_HOUR} messages an hour, each no larger than the scanner
 * ever sees (SMTP_SCAN_MAX_SIZE).
 */
@ApplicationScoped
public class SpamReports {

    private static final Logger LOG = Logger.getLogger(SpamReports.class.getName());

    /** Why a report cannot be taken here. */
    public static final class NotPossibleException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public NotPossibleException(String message) {
            super(message);
        }
    }

    /** What became of a report: where the message is now. */
    public record Filed(long id, Folder folder, boolean spam) {
    }

    @Inject
    ServerConfiguration configuration;

    @Inject
    Scanners scanners;

    @Inject
    ReportedMessages messages;

    /** Reports one mailbox may make in an hour: a user teaches the scanner for everyone, so not without end. */
    static final int REPORTS_PER_HOUR = 100;

    /** Reports per mailbox in the present hour, on this node. */
    private final HourlyCounts reports = new HourlyCounts(100_000);

    /**
     * @return the message's new place, or empty when the mailbox holds no message with this id
     * @throws NotPossibleException       no scanner that learns, or a store without message ids
     * @throws ScannerUnavailableException the scanner did not take the lesson (nothing moved)
     */
    public Optional<Filed> report(String mailbox, long id, boolean spam) throws ScannerUnavailableException {
        SpamScanner scanner = scanners.spam();
        if (scanner == null || !scanner.learns()) {
            throw new NotPossibleException("no spam scanner here learns from reports; set SMTP_RSPAMD_URL");
        }
        if (configuration.storage().type() != StorageConfiguration.StorageType.DATABASE) {
            throw new NotPossibleException("reports name messages by their id, which needs SMTP_STORAGE_TYPE=database;"
                    + " with Dovecot, moving into and out of Junk teaches the scanner (docs/scanning.md)");
        }
        if (reports.add(mailbox, System.currentTimeMillis() / 3_600_000) > REPORTS_PER_HOUR) {
            throw new NotPossibleException("more than " + REPORTS_PER_HOUR + " reports from this mailbox in an hour; try later");
        }
        Optional<byte[]> content = messages.content(mailbox, id);
        if (content.isEmpty()) {
            return Optional.empty();
        }
        if (content.get().length > configuration.scanning().maxScanSize()) {
            throw new NotPossibleException("the message is larger than SMTP_SCAN_MAX_SIZE, which the scanner never sees");
        }
        scanner.learn(MessageContent.of(content.get()), spam, mailbox);
        Folder folder = spam ? Folder.JUNK : Folder.INBOX;
        messages.file(mailbox, id, folder);
        LOG.info(() -> "message " + id + " of " + mailbox + " reported as " + (spam ? "spam" : "not spam") + ", learnt and filed in "
                + folder);
        return Optional.of(new Filed(id, folder, spam));
    }
}
