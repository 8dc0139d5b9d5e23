package org.mailforge.smtp.ratelimit;

/**
 * The answer to one request against a limit, with what HTTP's rate limit headers need.
 *
 * @param allowed        whether the request may go ahead
 * @param limit          the allowance per window
 * @param remaining      requests left right now
 * @param secondsToFull  until the whole allowance is back
 * @param secondsToRetry until the next request would be allowed (0 when allowed)
 */
public record Allowance(boolean allowed, int limit, int remaining, long secondsToFull, long secondsToRetry) {
}
