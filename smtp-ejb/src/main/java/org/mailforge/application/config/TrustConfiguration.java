package org.mailforge.application.config;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.mailforge.smtp.settings.ListenerSetting;
import org.mailforge.smtp.settings.SettingsReader;
import org.mailforge.smtp.settings.TrustSetting;

/**
 * What this server lends its name to: whose mail it signs, whose it forwards, whose verdicts it
 * writes. One place for the settings of that trust.
 *
 * @param senderLoginMatch  {@code SMTP_SENDER_LOGIN_MATCH}: an authenticated session, on any listener, may use only
 *                          its user's own addresses as envelope sender and in the header {@code From:}/{@code Sender:};
 *                          {@code false} lets it use any, and then only what passes the check is DKIM-signed
 * @param localSpoofPolicy  {@code SMTP_LOCAL_SPOOF_POLICY}: unauthenticated mail whose header {@code From:} is in a
 *                          local domain and that carries no valid DKIM signature of that domain: {@code reject}
 *                          ({@code 550 5.7.1}, the default) or {@code report} (taken and logged, for split delivery)
 * @param authservIds       {@code SMTP_AUTHSERV_IDS} and {@code SMTP_HOSTNAME}, lower case: the authserv-ids of
 *                          {@code Authentication-Results:} fields only we write (every node's name in a cluster)
 * @param maxForwards       {@code SMTP_MAX_FORWARDS}: outside addresses one received message may be forwarded to
 *                          through aliases and catch-alls, all its recipients together (default 50)
 * @param dmarcPolicy       {@code SMTP_DMARC_POLICY}: what the checks of received mail do with their results
 * @param mtaStsMode        {@code SMTP_MTA_STS_MODE}: the mode of the MTA-STS policy published for our domains
 */
public record TrustConfiguration(boolean senderLoginMatch, LocalSpoofPolicy localSpoofPolicy, Set<String> authservIds,
        int maxForwards, DmarcEnforcement dmarcPolicy, String mtaStsMode) {

    /** What becomes of unauthenticated mail that claims a local domain in its header From. */
    public enum LocalSpoofPolicy {
        REJECT, REPORT
    }

    public TrustConfiguration {
        authservIds = Set.copyOf(authservIds);
    }

    static TrustConfiguration load(SettingsReader in, String hostname) {
        Set<String> ids = new LinkedHashSet<>();
        ids.add(org.mailforge.application.common.ForgedHeaders.normalized(hostname.strip()));
        Arrays.stream(in.text(TrustSetting.AUTHSERV_IDS).split(",")).map(String::strip).filter(id -> !id.isEmpty())
                .map(org.mailforge.application.common.ForgedHeaders::normalized).forEach(ids::add);
        return new TrustConfiguration(in.bool(ListenerSetting.SENDER_LOGIN_MATCH),
                LocalSpoofPolicy.valueOf(in.word(TrustSetting.LOCAL_SPOOF_POLICY)
                        .toUpperCase(Locale.ROOT)),
                ids, in.integer(TrustSetting.MAX_FORWARDS),
                DmarcEnforcement.valueOf(in.word(TrustSetting.DMARC_POLICY).toUpperCase(Locale.ROOT)),
                in.word(TrustSetting.MTA_STS_MODE));
    }
}
