package org.mailforge.smtp.ratelimit;

import java.net.InetAddress;
import java.util.List;

/**
 * Sessions open at once per client address (IPv6 per /64), as Postfix's
 * {@code smtpd_client_connection_count_limit}: a few addresses cannot take every slot of the
 * listener. Exempt networks are not counted.
 */
public final class ConcurrentSessions {

    private final Slots<AddressKey> perAddress;
    private final List<Cidr> exempt;

    /** @param limit sessions per address, 0 = no limit */
    public ConcurrentSessions(int limit, List<Cidr> exempt) {
        this.perAddress = new Slots<>(limit);
        this.exempt = List.copyOf(exempt);
    }

    /** A slot for one more session from this address, or null when it has {@code limit} open already. */
    public Slots.Slot tryOpen(InetAddress address) {
        if (exempt.stream().anyMatch(network -> network.contains(address))) {
            return Slots.UNCOUNTED;
        }
        return perAddress.tryTake(AddressKey.of(address));
    }

    /** Addresses with at least one session open. */
    public int addresses() {
        return perAddress.keys();
    }
}
