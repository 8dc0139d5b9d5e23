package org.mailforge.domain.mail;

/**
 * A stored message's place: the mailbox, the store-specific key (a maildir file name, an object
 * key, ...) and the octets it took.
 */
public record StoredLocation(String mailbox, String key, long size) {
}
