package org.mailforge.application.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.mailforge.domain.screening.DnsListSite;
import org.mailforge.smtp.ratelimit.Cidr;
import org.mailforge.smtp.settings.ScreeningSetting;
import org.mailforge.smtp.settings.SettingsReader;

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

    static ScreeningConfiguration load(SettingsReader in) {
        List<DnsListSite> sites = new ArrayList<>();
        for (String site : in.text(ScreeningSetting.DNSBL_ZONES).split(",")) {
            if (site.isBlank()) {
                continue;
            }
            try {
                sites.add(DnsListSite.parse(site.strip()));
            } catch (IllegalArgumentException e) {
                in.require(false, "SMTP_DNSBL_ZONES: " + e.getMessage());
            }
        }
        List<Cidr> exempt = Cidr.parseList(in.text(ScreeningSetting.SCREENING_EXEMPT));
        return new ScreeningConfiguration(
                Duration.ofMillis(in.number(ScreeningSetting.PREGREET_MILLIS)),
                sites,
                in.integer(ScreeningSetting.DNSBL_THRESHOLD),
                in.bool(ScreeningSetting.GREYLISTING),
                Duration.ofSeconds(in.number(ScreeningSetting.GREYLIST_DELAY_SECONDS)),
                in.integer(ScreeningSetting.GREYLIST_AUTO_ALLOW),
                exempt);
    }

    /** Whether the client is in an exempt network. */
    public boolean exempt(java.net.InetAddress client) {
        return exempt.stream().anyMatch(network -> network.contains(client));
    }
}
