package org.mailforge.smtp.protocol.command;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.mailforge.smtp.spi.DeliverBy;

/** Parses the value of the BY parameter of MAIL FROM (RFC 2852 section 4). */
final class DeliverByParameter {

    private static final Pattern BY = Pattern.compile("([+-]?\\d{1,9});([RrNn])([Tt]?)");

    private DeliverByParameter() {
    }

    /** @return the request, or null when the value is malformed or impossible */
    static DeliverBy parse(String value) {
        Matcher m = value == null ? null : BY.matcher(value);
        if (m == null || !m.matches()) {
            return null;
        }
        long seconds = Long.parseLong(m.group(1));
        boolean returnOnFailure = m.group(2).equalsIgnoreCase("R");
        if (returnOnFailure && seconds <= 0) {
            return null; // mode R needs a time in the future; only N may be zero or negative
        }
        return new DeliverBy(seconds, returnOnFailure, !m.group(3).isEmpty());
    }
}
