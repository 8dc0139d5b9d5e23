package org.mailforge.domain.mail;

import java.util.List;

/**
 * What became of one message stored for several mailboxes: where it is now, and which mailboxes
 * refused it. Stores on this machine never refuse a mailbox (they fail as a whole); a store that
 * hands mail to another server reports that server's verdict per mailbox.
 */
public record Delivery(List<StoredLocation> stored, List<MailboxRefusal> refused) {

    public Delivery {
        stored = List.copyOf(stored);
        refused = List.copyOf(refused);
    }
}
