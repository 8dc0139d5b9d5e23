package org.mailforge.domain.mail;

/** Where in a mailbox a message goes: the inbox, or the Junk folder (spam quarantine). */
public enum Folder {
    INBOX,
    JUNK
}
