package org.mailforge.application.scanning;

import java.util.List;

/**
 * SpamAssassin's judgement of a message.
 *
 * @param spam      whether the score reached the threshold
 * @param score     the message's score
 * @param threshold the score from which a message is spam (spamd's required_score)
 * @param rules     the names of the rules that matched
 */
public record SpamVerdict(boolean spam, double score, double threshold, List<String> rules) {
}
