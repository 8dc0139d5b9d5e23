package org.mailforge.smtp.settings;

/**
 * Defence before DATA: tests of the client before its mail is read.
 * One constant per setting; docs/configuration.md is generated from these.
 */
public enum ScreeningSetting implements Setting {

    PREGREET_MILLIS(Spec.of("SMTP_PREGREET_MILLIS", "0", Rule.range(0, 10_000),
            "Early-talker test on the MX listener: the greeting of a client not seen to pass in the last day " +
            "waits this long (up to 10000); a client that sends anything meanwhile gets `554 5.5.1` " +
            "([docs/screening.md](screening.md))").shown("0 (off)")),
    DNSBL_ZONES(Spec.of("SMTP_DNSBL_ZONES", "", Rule.ANY,
            "DNS block and allow lists asked at connect, Postfix's `zone[=filter][*weight]` (e.g. " +
            "`zen.spamhaus.org*2, list.dnswl.org=127.0.[0..255].[1..3]*-2`)")),
    DNSBL_THRESHOLD(Spec.of("SMTP_DNSBL_THRESHOLD", "3", Rule.range(1, 1000),
            "The sum of the weights from which a client is refused in the greeting (`554 5.7.1`, naming the " +
            "lists); a negative sum allow-lists it")),
    GREYLISTING(Spec.of("SMTP_GREYLISTING", "false", Rule.BOOLEAN,
            "Greylist (client /24 or /64, sender, recipient) triplets of unauthenticated mail: `451 4.7.1` the " +
            "first time, shared by every node")),
    GREYLIST_DELAY_SECONDS(Spec.of("SMTP_GREYLIST_DELAY_SECONDS", "300", Rule.range(1, 86_400),
            "How long a new triplet waits before a retry is taken (1-86400); a triplet that passed is remembered " +
            "35 days")),
    GREYLIST_AUTO_ALLOW(Spec.of("SMTP_GREYLIST_AUTO_ALLOW", "5", Rule.range(0, 1000),
            "Triplets a client network must have passed to skip greylisting from then on; 0 = never")),
    SCREENING_EXEMPT(Spec.of("SMTP_SCREENING_EXEMPT", "127.0.0.0/8,::1/128", Rule.CIDR_LIST,
            "Client networks none of the tests above apply to (relays of your own)"));

    private final Spec spec;

    ScreeningSetting(Spec spec) {
        this.spec = spec;
    }

    @Override
    public Spec spec() {
        return spec;
    }
}
