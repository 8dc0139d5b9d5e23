package org.mailforge.infrastructure.dns;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.mailforge.application.config.ServerConfiguration;
import org.mailforge.application.screening.DnsListLookup;
import org.mailforge.domain.screening.DnsListSite;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * DNS list queries through the resolver of the mail checks (SMTP_DNS_SERVER), answers cached for
 * their TTL (at most five minutes): one A question per zone, all zones at once.
 */
@ApplicationScoped
public class DnsListClient implements DnsListLookup {

    private static final Logger LOG = Logger.getLogger(DnsListClient.class.getName());

    @Inject
    ServerConfiguration configuration;

    private DnsClient dns;

    /** With a breaker of its own (DnsBreaker): a dead resolver makes no greeting wait for the lists' timeouts. */
    @PostConstruct
    void init() {
        dns = DnsClient.forChecks(configuration.outbound().dnsServer(), new DnsBreaker(configuration.outbound().dnsFailureThreshold(),
                configuration.outbound().dnsFailurePause(), java.time.Clock.systemUTC()));
    }

    @Override
    public List<DnsListSite> listing(InetAddress client, List<DnsListSite> sites, Instant deadline) {
        Map<String, CompletableFuture<DnsClient.Answer>> questions = new LinkedHashMap<>();
        for (DnsListSite site : sites) {
            questions.computeIfAbsent(site.queryName(client), name -> dns.start(name, Type.A));
        }
        List<DnsListSite> naming = new ArrayList<>();
        Map<String, List<byte[]>> answers = new LinkedHashMap<>();
        for (DnsListSite site : sites) {
            String name = site.queryName(client);
            List<byte[]> addresses = answers.computeIfAbsent(name, question -> answer(question, questions.get(question), deadline));
            if (addresses.stream().anyMatch(site::counts)) {
                naming.add(site);
            }
        }
        return naming;
    }

    private List<byte[]> answer(String name, CompletableFuture<DnsClient.Answer> question, Instant deadline) {
        try {
            List<byte[]> addresses = new ArrayList<>();
            for (Record record : dns.await(name, question, deadline).records()) {
                if (record instanceof ARecord a) {
                    addresses.add(a.getAddress().getAddress());
                }
            }
            return addresses;
        } catch (DnsClient.DnsTimeoutException e) {
            LOG.log(Level.FINE, "DNS list not answering; counted as not listed: {0}", e.getMessage());
            return List.of();
        }
    }
}
