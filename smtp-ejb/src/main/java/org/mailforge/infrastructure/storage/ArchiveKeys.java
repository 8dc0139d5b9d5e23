package org.mailforge.infrastructure.storage;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import org.mailforge.domain.mail.Folder;

/**
 * Names in the date-ordered layouts (the time-series tree and S3): {@code <yyyy>/<mm>/<dd>/<message-id>.eml}
 * by the UTC day of arrival, under {@code Junk/} for quarantined mail. The message id is
 * {@code msg_} and 16 random characters: unique without coordination between servers.
 */
final class ArchiveKeys {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy/MM/dd").withZone(ZoneOffset.UTC);
    private static final char[] ID = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    ArchiveKeys(Clock clock) {
        this.clock = clock;
    }

    String next(Folder folder) {
        return (folder == Folder.JUNK ? "Junk/" : "") + DAY.format(clock.instant()) + "/" + newId() + ".eml";
    }

    private String newId() {
        char[] id = new char[16];
        for (int i = 0; i < id.length; i++) {
            id[i] = ID[random.nextInt(ID.length)];
        }
        return "msg_" + new String(id);
    }
}
