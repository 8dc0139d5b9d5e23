package org.mailforge.it;

/**
 * Every TCP port the integration tests use is {@code <prefix><four digits>}: the prefix is the
 * build's {@code it.port.prefix} (default 1, so 1xxxx; the main test server's ports in the POM are
 * built from the same property), the four digits are fixed per use and listed in one place each
 * (the test class that starts the server). {@code mvn verify -Dit.port.prefix=2} moves them all,
 * e.g. to run two checkouts side by side or to step around a port something else holds.
 *
 * <p>Taken: 0125-2980 by the extra servers (an HTTP port {@code h} also takes {@code h+1} for
 * metrics and {@code h+3} for the console), 2465, 2525-2531 and 2587 by the main server and its
 * helpers, 8080, 8081, 8443 and 8444 by the main server's HTTP ports.
 */
final class TestPorts {

    private static final int PREFIX = Integer.getInteger("it.port.prefix", 1);

    private TestPorts() {
    }

    /** The port with these last four digits under the build's prefix. */
    static int port(int lastFourDigits) {
        if (lastFourDigits < 0 || lastFourDigits > 9_999 || PREFIX < 1 || PREFIX > 3) {
            throw new IllegalArgumentException("a test port is <1-3><0000-9999> (below Linux's ephemeral ports), not " + PREFIX + "/" + lastFourDigits);
        }
        return PREFIX * 10_000 + lastFourDigits;
    }
}
