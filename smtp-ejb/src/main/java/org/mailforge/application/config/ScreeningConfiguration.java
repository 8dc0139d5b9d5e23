package org.mailforge.application.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.mailforge.domain.screening.DnsListSite;
import org.mailforge.smtp.ratelimit.Cidr;

/**
 * The MX listener's defence before DATA, as Postfix's postscreen and postgrey give it: the
 * early-talker test, DNS block and allow lists with weights, greylisting. Every test is off by
 * default; none applies to authenticated sessions or to the exempt networks.
 *
 * @param pregreet          {@code SMTP_PREGREET_MILLIS}: how long the greeting of a client not seen to pass before
 *                          is held back; a client that talks meanwhile is refused ({@link Duration#ZERO}: off)
 * @param dnsLists          {@code SMTP_DNSBL_ZONES}: the lists asked about each client, with their weights
 * @param dnsblThreshold    {@code SMTP_DNSBL_THRESHOLD}: the score from which a client is refused at connect
 * @param greylisting       {@code SMTP_GREYLISTING}: whether new (network, sender, recipient) triplets are deferred
 * @param greylistDelay     {@code SMTP_GREYLIST_DELAY_SECONDS}: how long a new triplet waits before a retry is taken
 * @param greylistAutoAllow {@code SMTP_GREYLIST_AUTO_ALLOW}: triplets a client network must have passed to skip
 *                          greylisting from then on (0: never)
 * @param exempt            {@code SMTP_SCREENING_EXEMPT}: client networks none of these tests apply to
 */
public record ScreeningConfiguration(Duration pregreet, List<DnsListSite> dnsLists, int dnsblThreshold,
        boolean greylisting, Duration greylistDelay, int greylistAutoAllow, List<Cidr> exempt) {

    /** How long a client that passed the early-talker test is greeted at once (postscreen's default is a day too). */
    public static final Duration PREGREET_MEMORY = Duration.ofDays(1);
    /** How long a triplet that passed is remembered after it was last seen (postgrey's max-age). */
    public static final Duration GREYLIST_MEMORY = Duration.ofDays(35);
    /** How long a deferred triplet waits for its retry before it is forgotten (postgrey's retry window). */
    public static final Duration GREYLIST_RETRY_WINDOW = Duration.ofDays(2);

    public ScreeningConfiguration {
        dnsLists = List.copyOf(dnsLists);
        exempt = List.copyOf(exempt);
    }

    /** Nothing screened: what a server without these settings does. */
    public static ScreeningConfiguration off() {
        return new ScreeningConfiguration(Duration.ZERO, List.of(), 3, false, Duration.ofMinutes(5), 5,
                Cidr.parseList("127.0.0.0/8,::1/128"));
    }

    static ScreeningConfiguration load(ConfigReader in) {
        List<DnsListSite> sites = new ArrayList<>();
        for (String site : in.string("SMTP_DNSBL_ZONES", "").split(",")) {
            if (site.isBlank()) {
                continue;
            }
            try {
                sites.add(DnsListSite.parse(site.strip()));
            } catch (IllegalArgumentException e) {
                in.require(false, "SMTP_DNSBL_ZONES: " + e.getMessage());
            }
        }
        List<Cidr> exempt = List.of();
        String networks = in.string("SMTP_SCREENING_EXEMPT", "127.0.0.0/8,::1/128");
        try {
            exempt = Cidr.parseList(networks);
        } catch (IllegalArgumentException e) {
            in.require(false, "SMTP_SCREENING_EXEMPT must be a comma-separated list of networks (was '" + networks + "')");
        }
        return new ScreeningConfiguration(
                Duration.ofMillis(in.number("SMTP_PREGREET_MILLIS", 0, 0, 10_000)),
                sites,
                (int) in.number("SMTP_DNSBL_THRESHOLD", 3, 1, 1000),
                in.bool("SMTP_GREYLISTING", false),
                Duration.ofSeconds(in.number("SMTP_GREYLIST_DELAY_SECONDS", 300, 1, 86_400)),
                (int) in.number("SMTP_GREYLIST_AUTO_ALLOW", 5, 0, 1000),
                exempt);
    }

    /** Whether the client is in an exempt network. */
    public boolean exempt(java.net.InetAddress client) {
        return exempt.stream().anyMatch(network -> network.contains(client));
    }
}
