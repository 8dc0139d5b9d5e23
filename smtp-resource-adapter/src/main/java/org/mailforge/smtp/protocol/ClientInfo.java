package org.mailforge.smtp.protocol;

import org.mailforge.smtp.ratelimit.ClientBudget;

/**
 * Who is on the other end of a session.
 *
 * @param address  the client's IP address as text
 * @param hostName the verified reverse DNS name, or null when unknown or not looked up
 * @param budget   what this client's address may still do (rate limits)
 */
public record ClientInfo(String address, String hostName, ClientBudget budget) {

    /** A client without rate limits. */
    public ClientInfo(String address, String hostName) {
        this(address, hostName, ClientBudget.UNLIMITED);
    }
}
