package org.mailforge.application.scanning;

import java.util.List;

/**
 * A spam scanner's judgement of a message.
 *
 * @param spam      whether the message is spam (spamd: the score reached the threshold; rspamd: its action says so)
 * @param score     the message's score
 * @param threshold the score from which a message is spam (spamd's required_score; rspamd's reject score)
 * @param rules     the names of the rules (rspamd: symbols) that matched
 * @param action    what the scanner says to do with it
 */
public record SpamVerdict(boolean spam, double score, double threshold, List<String> rules, Action action) {

    /** What becomes of the message, by the scanner's word. */
    public enum Action {
        /** Not spam: deliver. */
        NONE,
        /** Spam: SMTP_SPAM_ACTION decides (tag, quarantine into Junk, or refuse). */
        SPAM,
        /** Not sure yet: the sender tries again later ({@code 451 4.7.1}; rspamd's soft reject and greylist). */
        DEFER,
        /** Refuse it ({@code 554 5.7.1}; rspamd's reject). */
        REJECT
    }

    public SpamVerdict {
        rules = List.copyOf(rules);
    }

    /** A verdict that is only a score against a threshold (spamd): spam or not. */
    public SpamVerdict(boolean spam, double score, double threshold, List<String> rules) {
        this(spam, score, threshold, rules, spam ? Action.SPAM : Action.NONE);
    }
}
