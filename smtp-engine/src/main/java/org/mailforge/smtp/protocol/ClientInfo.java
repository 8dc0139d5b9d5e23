package org.mailforge.smtp.protocol;

import org.mailforge.smtp.ratelimit.ClientBudget;
import org.mailforge.smtp.spi.ClientScreening;

/**
 * Who is on the other end of a session.
 *
 * @param address   the client's IP address as text
 * @param hostName  the verified reverse DNS name, or null when unknown or not looked up
 * @param budget    what this client's address may still do (rate limits)
 * @param screening what the application said of the client before its greeting (the MX listener's screening)
 * @param listener  the listener it connected to ({@code smtp}, {@code submission}, {@code submissions})
 */
public record ClientInfo(String address, String hostName, ClientBudget budget, ClientScreening screening, String listener) {

    public ClientInfo(String address, String hostName, ClientBudget budget, ClientScreening screening) {
        this(address, hostName, budget, screening, "smtp");
    }

    public ClientInfo(String address, String hostName, ClientBudget budget) {
        this(address, hostName, budget, ClientScreening.PASS);
    }

    /** A client without rate limits. */
    public ClientInfo(String address, String hostName) {
        this(address, hostName, ClientBudget.UNLIMITED);
    }
}
