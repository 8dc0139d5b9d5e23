package org.mailforge.infrastructure.outbound;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.mailforge.application.common.LogText;
import org.mailforge.application.metrics.MailMetrics;
import org.mailforge.application.outbound.OutboundTransport;
import org.mailforge.application.config.OutboundConfiguration;
import org.mailforge.application.config.OutboundConfiguration.TlsPolicy;
import org.mailforge.application.config.ServerConfiguration;
import org.mailforge.application.outbound.tlsreport.TlsSession;
import org.mailforge.domain.outbound.MtaStsPolicy;
import org.mailforge.domain.outbound.MtaStsPolicyRepository;
import org.mailforge.infrastructure.dns.DnsClient;
import org.mailforge.smtp.client.SmtpClient;
import org.mailforge.smtp.spi.MessageContent;
import org.mailforge.smtp.spi.RecipientReply;
import org.mailforge.smtp.spi.Reply;

/**
 * Delivers over SMTP to the smarthost (SMTP_RELAY_HOST) or the destination's MX hosts, trying
 * them in order until one gives a verdict. STARTTLS follows SMTP_OUTBOUND_TLS.
 *
 * <p>An attempt has a wall-clock limit (SMTP_OUTBOUND_ATTEMPT_SECONDS) over all its hosts: when
 * it runs out, the connection is closed whatever it is doing (a peer that answers one octet at a
 * time resets every read timeout, never this one) and the recipients are deferred. At most
 * {@link OutboundConfiguration#MAX_ADDRESSES_PER_ATTEMPT} addresses are tried, each connect for at
 * most {@link OutboundConfiguration#CONNECT_TIMEOUT}.
 */
@ApplicationScoped
public class SmtpOutboundTransport implements OutboundTransport {

    private static final Logger LOG = Logger.getLogger(SmtpOutboundTransport.class.getName());
    private static final String[] TLS_PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private ServerConfiguration configuration;
    private OutboundConfiguration outbound;
    private MxResolver resolver;
    /** Trust for verified TLS: the JDK's anchors and SMTP_OUTBOUND_CA_FILE. */
    private SSLContext verified;
    /** The same anchors, to judge a certificate opportunistic TLS took (MTA-STS testing, for the TLS report). */
    private X509TrustManager verifiedTrust;
    /** MTA-STS policies of destinations; null with a smarthost or SMTP_OUTBOUND_MTA_STS=false. */
    private MtaSts mtaSts;
    /** TLSA records of MX hosts (RFC 7672); null without SMTP_DANE_RESOLVER. */
    private Dane dane;
    private MailMetrics metrics;
    /** Closes connections whose attempt ran out of time. */
    private ScheduledExecutorService deadlines;

    @Inject
    public SmtpOutboundTransport(ServerConfiguration configuration, MtaStsPolicyRepository policies, MailMetrics metrics) {
        this.configuration = configuration;
        this.outbound = configuration.outbound();
        this.metrics = metrics;
        if (outbound.dane()) {
            DeliveryDns validating = DeliveryDns.validating(outbound.daneResolver(), MxResolver.MAX_QUERY_TIME);
            this.resolver = new MxResolver(validating, outbound.timeout());
            this.dane = new Dane(validating, MxResolver.MAX_QUERY_TIME);
        } else {
            this.resolver = outbound.usesRelayHost() ? null : new MxResolver(outbound.dnsServer(), outbound.timeout());
        }
        this.verifiedTrust = TrustAnchors.trustManager(outbound.caFile());
        this.verified = TrustAnchors.context(verifiedTrust);
        this.deadlines = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "outbound-attempt-deadlines");
            thread.setDaemon(true);
            return thread;
        });
        this.mtaSts = outbound.usesRelayHost() || !outbound.mtaSts() ? null
                : new MtaSts(outbound.dane() ? new DnsClient(DeliveryDns.resolver(outbound.daneResolver(), MxResolver.MAX_QUERY_TIME))
                        : DnsClient.forChecks(outbound.dnsServer()), policies, verified, outbound.mtaStsPort(), outbound.allowPrivate(),
                        outbound.mtaStsFetch(), deadlines);
    }

    @PreDestroy
    void close() {
        if (deadlines != null) {
            deadlines.shutdownNow();
        }
        if (mtaSts != null) {
            try {
                mtaSts.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    protected SmtpOutboundTransport() {
        // CDI proxy
    }

    @Override
    public List<RecipientReply> deliver(String domain, String sender, List<String> recipients,
                                        MessageContent content, boolean smtpUtf8) {
        return attempt(domain, sender, recipients, content, smtpUtf8).replies();
    }

    @Override
    public Attempt attempt(String domain, String sender, List<String> recipients, MessageContent content, boolean smtpUtf8) {
        Journey journey = new Journey();
        List<RecipientReply> replies = attempt(domain, sender, recipients, content, smtpUtf8, journey);
        return new Attempt(replies, journey.route.isEmpty() ? null : journey.route.toString(), List.copyOf(journey.tls));
    }

    /**
     * What an attempt tells besides its replies: the route of its last connection, in words, and
     * how each connection's TLS went, for the destination's TLS report (RFC 8460).
     */
    private static final class Journey {
        final StringBuilder route = new StringBuilder();
        final List<TlsSession> tls = new java.util.ArrayList<>();
        /** The policy the next connection is under; its result type is preset when the policy itself failed. */
        TlsSession policy;
        /** Whether the connection under way has its TLS outcome recorded. */
        boolean recorded;

        void record(TlsSession session) {
            if (!recorded && session != null) {
                tls.add(session);
                recorded = true;
            }
        }
    }

    private List<RecipientReply> attempt(String domain, String sender, List<String> recipients, MessageContent content,
                                         boolean smtpUtf8, Journey journey) {
        // the attempt's deadline starts before the MX hosts and the policy are looked for: slow DNS uses up its time, not more
        long deadline = System.nanoTime() + outbound.attemptTimeout().toNanos();
        List<MxResolver.Destination> destinations;
        int port;
        try {
            if (outbound.usesRelayHost()) {
                destinations = List.of(new MxResolver.Destination(outbound.relayHost(), InetAddress.getByName(outbound.relayHost())));
                port = outbound.relayPort();
            } else {
                destinations = resolver.destinations(domain, deadline);
                port = outbound.mxPort();
                if (!outbound.allowPrivate()) {
                    destinations = destinations.stream().filter(d -> !SpecialAddresses.isSpecial(d.address())).toList();
                    if (destinations.isEmpty()) {
                        return all(recipients, Reply.of(550, "5.4.4", "the MX hosts of " + domain + " have only special-purpose"
                                + " addresses (loopback, private, link-local, reserved); not delivered"));
                    }
                }
            }
        } catch (MxResolver.NoMailDomainException e) {
            return all(recipients, e.nullMx() ? Reply.of(556, "5.1.10", e.getMessage()) : Reply.of(550, "5.1.2", e.getMessage()));
        } catch (MxResolver.DnsTemporaryException | IOException e) {
            return all(recipients, Reply.of(451, "4.4.3", "cannot resolve the destination of " + domain + ": " + e.getMessage()));
        }
        // DANE goes first (RFC 8461 2), host by host: a host with validated TLSA records is held to them; the others (and a
        // domain whose hosts have none) to the MTA-STS policy, which is asked for unless every host has DANE's protection
        Map<String, Dane.Tlsa> asked = dane == null ? Map.of() : dane.lookup(tried(destinations), port, deadline);
        Map<String, Dane.Tlsa> tlsa = asked;
        boolean daneDomain = asked.values().stream().anyMatch(t -> t.requirement() != Dane.Requirement.NONE);
        boolean policyNeeded = tried(destinations).stream().anyMatch(d -> !daneProtected(asked, d));
        MtaSts.Discovery discovery = mtaSts == null || !policyNeeded ? MtaSts.Discovery.NONE
                : mtaSts.policyFor(domain, java.time.Instant.now().plusNanos(Math.max(0, deadline - System.nanoTime())));
        MtaStsPolicy policy = discovery.policy().filter(p -> p.getMode() != MtaStsPolicy.Mode.NONE).orElse(null);
        boolean enforced = policy != null && policy.getMode() == MtaStsPolicy.Mode.ENFORCE;
        String policyText = policy == null ? "" : ", MTA-STS " + policy.getMode().name().toLowerCase(java.util.Locale.ROOT);
        boolean reporting = !outbound.usesRelayHost(); // TLS reports are about a domain's own MX hosts
        String reported = reportedDomain(domain);
        TlsSession domainPolicy = !reporting || reported == null ? null : policy != null
                ? new TlsSession(reported, TlsSession.STS, policyStrings(policy), policy.mxPatterns(), null, null, null, null, null)
                : discovery.failure() != null
                ? new TlsSession(reported, TlsSession.STS, List.of(), List.of(), null, null, null, discovery.failure(),
                        "the domain's MTA-STS policy could not be had")
                : new TlsSession(reported, TlsSession.NO_POLICY, List.of(), List.of(), null, null, null, null, null);
        if (enforced) {
            // RFC 8461 4.1, 5.1: only the MX hosts the policy names, each over TLS with a certificate valid for its name
            List<MxResolver.Destination> named = destinations.stream().filter(d -> daneProtected(asked, d) || policy.allows(d.host()))
                    .toList();
            if (dane != null) {
                // the hosts tried after the filter were maybe not among those asked: their TLSA records are asked now
                List<MxResolver.Destination> unasked = tried(named).stream().filter(d -> !asked.containsKey(d.host())).toList();
                if (!unasked.isEmpty()) {
                    tlsa = new java.util.HashMap<>(tlsa);
                    tlsa.putAll(dane.lookup(unasked, port, deadline));
                }
            }
            if (named.isEmpty()) {
                metrics.mtaSts("deferred");
                TlsSession unnamed = session(domainPolicy, destinations.get(0), null);
                if (unnamed != null) {
                    journey.tls.add(unnamed.failed("validation-failure", "the MX host is not named by the MTA-STS policy"));
                }
                return all(recipients, Reply.of(451, "4.7.5", "no MX host of " + domain + " is named by its MTA-STS policy ("
                        + String.join(" ", policy.mxPatterns()) + "); not delivered"));
            }
            destinations = named;
        } else if (policy != null) {
            metrics.mtaSts("testing"); // mode testing: delivered as without a policy; what enforcing would have refused is reported
        }
        journey.policy = domainPolicy;
        List<RecipientReply> replies = attempt(domain, destinations, port, sender, recipients, content, smtpUtf8,
                enforced ? Demand.STS : policy != null ? Demand.STS_TESTING : Demand.CONFIGURED, policy, tlsa, deadline, journey);
        journey.route.append(policyText);
        boolean securityDeferred = replies.stream().anyMatch(r -> r.reply().code() == 451 && "4.7.5".equals(r.reply().status()));
        if (enforced) {
            metrics.mtaSts(securityDeferred ? "deferred" : "enforced");
        }
        if (daneDomain) {
            boolean delivered = replies.stream().anyMatch(RecipientReply::delivered);
            metrics.dane(securityDeferred ? "deferred" : !delivered ? "undelivered" : journey.route.indexOf(", DANE-") >= 0 ? "verified"
                    : journey.route.indexOf(DANE_ENCRYPTED) >= 0 ? "encrypted" : "without");
        }
        return replies;
    }

    /** The destinations an attempt tries at most. */
    private static List<MxResolver.Destination> tried(List<MxResolver.Destination> destinations) {
        return destinations.subList(0, Math.min(destinations.size(), OutboundConfiguration.MAX_ADDRESSES_PER_ATTEMPT));
    }

    /**
     * Whether DANE decides this host's TLS: it has validated usable TLSA records. A host whose
     * records are all unusable gets no more than TLS of any kind from them, so MTA-STS still
     * applies to it; a failed lookup protects nothing (the host is skipped).
     */
    private static boolean daneProtected(Map<String, Dane.Tlsa> tlsa, MxResolver.Destination destination) {
        return tlsa.getOrDefault(destination.host(), Dane.Tlsa.NONE).requirement() == Dane.Requirement.VERIFIED;
    }

    /** The destination domain as reports name it (A-labels), or null when it has no such form. */
    private static String reportedDomain(String domain) {
        try {
            return org.mailforge.smtp.spi.Domains.ascii(domain);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static TlsSession failedHandshake(TlsSession session, String resultType) {
        return session.failed(resultType, TlsFailures.detail(resultType));
    }

    /** An MTA-STS policy as a TLS report gives it: its lines (RFC 8460 4.4). */
    private static List<String> policyStrings(MtaStsPolicy policy) {
        List<String> lines = new java.util.ArrayList<>();
        lines.add("version: STSv1");
        lines.add("mode: " + policy.getMode().name().toLowerCase(java.util.Locale.ROOT));
        policy.mxPatterns().forEach(pattern -> lines.add("mx: " + pattern));
        lines.add("max_age: " + policy.getMaxAgeSeconds());
        return lines;
    }

    /**
     * The session of a connection to this destination under the policy (null: not reported). Our
     * own address is named only when it is public or one of SMTP_OUTBOUND_ADDRESSES: a report goes
     * to a third party, who has no business with the addresses behind our NAT.
     */
    private TlsSession session(TlsSession policy, MxResolver.Destination destination, Socket socket) {
        if (policy == null) {
            return null;
        }
        InetAddress local = socket == null ? null : socket.getLocalAddress();
        String sending = local == null || local.isAnyLocalAddress() ? null
                : !SpecialAddresses.isSpecial(local) || outbound.outboundAddresses().contains(local.getHostAddress())
                ? local.getHostAddress() : null;
        return new TlsSession(policy.policyDomain(), policy.policyType(), policy.policyStrings(), policy.policyMx(), destination.host(),
                sending, destination.address().getHostAddress(), policy.resultType(), policy.detail());
    }

    /** What TLS a host must give: the configured policy, MTA-STS's (verified by the Web PKI), or DANE's. */
    private enum Demand {
        /** SMTP_OUTBOUND_TLS (and verified TLS for smarthost credentials). */
        CONFIGURED,
        /** An MTA-STS policy in mode testing: SMTP_OUTBOUND_TLS, with what enforcing would have refused reported. */
        STS_TESTING,
        /** An enforced MTA-STS policy: TLS with a certificate the trust anchors verify for the host's name. */
        STS,
        /** Usable TLSA records: TLS with a certificate one of them matches. */
        DANE,
        /** TLSA records, none usable: TLS, any certificate. */
        DANE_ENCRYPTED;

        boolean requiresTls() {
            return this == STS || this == DANE || this == DANE_ENCRYPTED;
        }
    }

    private static final String DANE_ENCRYPTED = ", DANE: TLSA records, none usable (any certificate)";

    /** Tries the destinations in order until one gives a verdict, within the attempt's deadline. */
    private List<RecipientReply> attempt(String domain, List<MxResolver.Destination> destinations, int port, String sender,
                                         List<String> recipients, MessageContent content, boolean smtpUtf8, Demand domainDemand,
                                         MtaStsPolicy policy, Map<String, Dane.Tlsa> tlsa, long deadline, Journey journey) {
        Reply lastFailure = Reply.of(451, "4.4.1", "no destination host for " + domain);
        TlsSession domainPolicy = journey.policy;
        for (MxResolver.Destination destination : destinations.subList(0,
                Math.min(destinations.size(), OutboundConfiguration.MAX_ADDRESSES_PER_ATTEMPT))) {
            if (deadline - System.nanoTime() <= 0) {
                break;
            }
            journey.route.setLength(0);
            journey.route.append(destination.host()).append(" [").append(destination.address().getHostAddress()).append("]:").append(port);
            journey.recorded = false;
            Dane.Tlsa records = tlsa.getOrDefault(destination.host(), Dane.Tlsa.NONE);
            journey.policy = domainPolicy == null || records.requirement() == Dane.Requirement.NONE ? domainPolicy
                    : new TlsSession(domainPolicy.policyDomain(), TlsSession.TLSA, records.policyStrings(), List.of(), null, null, null,
                            null, null);
            if (records.requirement() == Dane.Requirement.UNAVAILABLE) {
                // RFC 7672 2.2.3: without its TLSA records a host that may have them is not used
                TlsSession unavailable = session(journey.policy, destination, null);
                journey.record(unavailable == null ? null : unavailable.failed("dnssec-invalid",
                        "the TLSA records could not be had (DNSSEC validation failed, or no answer)"));
                lastFailure = Reply.of(451, "4.7.5", destination.host() + ": " + records.text() + "; not delivered to it (DANE)");
                continue;
            }
            Demand demand = switch (records.requirement()) {
                case VERIFIED -> Demand.DANE;
                // unusable records require TLS; an enforced MTA-STS policy requires more (a certificate verified for the name)
                case ENCRYPTED -> domainDemand == Demand.STS ? Demand.STS : Demand.DANE_ENCRYPTED;
                default -> domainDemand;
            };
            try {
                return converse(destination, port, sender, recipients, content, smtpUtf8, demand, policy, records, deadline, journey);
            } catch (IOException e) {
                // where MTA-STS or DANE require TLS, a host without it (or without a certificate they accept) is a security failure (4.7.5)
                boolean tls = demand.requiresTls() && (e instanceof javax.net.ssl.SSLException || e instanceof TlsMissingException
                        || e.getCause() instanceof GeneralSecurityException);
                lastFailure = Reply.of(451, tls ? "4.7.5" : "4.4.1", destination.host() + "["
                        + destination.address().getHostAddress() + "]:" + port + ": " + e.getMessage());
                LOG.fine(() -> "delivery to " + domain + " via " + destination.host() + " failed: " + LogText.escape(e.toString()));
            }
        }
        if (deadline - System.nanoTime() <= 0) {
            lastFailure = Reply.of(451, "4.4.2", "delivery attempt to " + domain + " took longer than "
                    + outbound.attemptTimeout().toSeconds() + " s (SMTP_OUTBOUND_ATTEMPT_SECONDS)");
        }
        return all(recipients, lastFailure);
    }

    /** One conversation; an IOException means "this host gave no verdict, try the next". */
    private List<RecipientReply> converse(MxResolver.Destination destination, int port, String sender, List<String> recipients,
                                          MessageContent content, boolean smtpUtf8, Demand demand, MtaStsPolicy policy,
                                          Dane.Tlsa tlsa, long deadline, Journey journey) throws IOException {
        int timeout = (int) outbound.timeout().toMillis();
        long remaining = deadline - System.nanoTime();
        try (Socket socket = new Socket()) {
            ScheduledFuture<?> cutOff = deadlines.schedule(() -> closeQuietly(socket), remaining, TimeUnit.NANOSECONDS);
            try {
                socket.connect(new InetSocketAddress(destination.address(), port), (int) Math.max(1,
                        Math.min(OutboundConfiguration.CONNECT_TIMEOUT.toMillis(), TimeUnit.NANOSECONDS.toMillis(remaining))));
                socket.setSoTimeout(timeout);
                return converse(socket, destination, port, sender, recipients, content, smtpUtf8, demand, policy, tlsa, journey);
            } finally {
                cutOff.cancel(false);
            }
        }
    }

    private List<RecipientReply> converse(Socket socket, MxResolver.Destination destination, int port, String sender,
                                          List<String> recipients, MessageContent content, boolean smtpUtf8,
                                          Demand demand, MtaStsPolicy stsPolicy, Dane.Tlsa tlsa, Journey journey) throws IOException {
        Socket channel = socket;
        SmtpClient client = new SmtpClient(channel.getInputStream(), channel.getOutputStream());
        expect(client.greeting(), 220, "greeting");
        expect(client.hello(configuration.listener().hostname()), 250, "EHLO");
        TlsSession session = session(journey.policy, destination, socket);
        // smarthost credentials only ever travel over TLS with a verified certificate
        boolean credentials = outbound.relayUsername() != null;
        TlsPolicy policy = credentials || demand.requiresTls() ? TlsPolicy.ENCRYPT : outbound.tls();
        if (policy != TlsPolicy.NONE && client.supports("STARTTLS")) {
            Reply refused = client.command("STARTTLS");
            if (refused.code() != 220) {
                journey.record(session == null || session.resultType() != null ? session
                        : session.failed("starttls-not-supported", "STARTTLS answered " + refused.code()));
                if (policy == TlsPolicy.ENCRYPT) {
                    throw new TlsMissingException("STARTTLS answered " + refused.code() + " where TLS is required");
                }
                expect(refused, 220, "STARTTLS");
            }
            Dane.Trust daneTrust = demand == Demand.DANE ? new Dane.Trust(tlsa.usable(), destination.host()) : null;
            SSLSocket tls;
            try {
                // the Web PKI's trust manager checks the host's name (HTTPS identification); DANE's checks it itself where RFC 7672 asks
                boolean webPki = policy == TlsPolicy.ENCRYPT && daneTrust == null && demand != Demand.DANE_ENCRYPTED;
                tls = startTls(socket, destination.host(), port, daneTrust != null ? contextOf(daneTrust) : webPki ? verified : opportunistic(),
                        webPki);
            } catch (IOException e) {
                journey.record(session == null || session.resultType() != null ? session
                        : failedHandshake(session, TlsFailures.resultType(e, demand == Demand.DANE)));
                throw e;
            }
            channel = tls;
            journey.record(session == null || session.resultType() != null || demand != Demand.STS_TESTING ? session
                    : TlsFailures.observe(session, tls, destination.host(), stsPolicy, verifiedTrust));
            journey.route.append(", ").append(tls.getSession().getProtocol()).append(' ').append(tls.getSession().getCipherSuite())
                    .append(daneTrust != null ? ", " + abbreviated(daneTrust.matched()) + " matched"
                            : demand == Demand.DANE_ENCRYPTED ? DANE_ENCRYPTED
                            : policy == TlsPolicy.ENCRYPT ? ", certificate verified" : ", certificate not verified (opportunistic TLS)");
            client = new SmtpClient(channel.getInputStream(), channel.getOutputStream());
            expect(client.hello(configuration.listener().hostname()), 250, "EHLO after STARTTLS");
        } else if (policy != TlsPolicy.ENCRYPT) {
            if (policy != TlsPolicy.NONE) {
                journey.record(session == null || session.resultType() != null ? session
                        : session.failed("starttls-not-supported", "the MX host does not offer STARTTLS"));
            }
            journey.route.append(", no TLS");
        } else {
            journey.record(session == null || session.resultType() != null ? session
                    : session.failed("starttls-not-supported", "the MX host does not offer STARTTLS"));
            throw new TlsMissingException(credentials
                    ? "the smarthost does not offer STARTTLS; SMTP_RELAY_USERNAME is only sent over verified TLS"
                    : demand == Demand.STS ? "STARTTLS is required by the domain's MTA-STS policy but not offered"
                    : demand.requiresTls() ? "STARTTLS is required by the host's TLSA records (DANE) but not offered"
                    : "STARTTLS is required (SMTP_OUTBOUND_TLS=encrypt) but not offered");
        }
        try {
            if (credentials) {
                expect(client.authPlain(outbound.relayUsername(), outbound.relayPassword()), 235, "AUTH");
            }
            if (smtpUtf8 && !client.supports("SMTPUTF8")) {
                return all(recipients, Reply.of(553, "5.6.7", destination.host() + " does not support SMTPUTF8, which this message needs"));
            }
            if (client.maxSize() > 0 && content.size() > client.maxSize()) {
                return all(recipients, Reply.of(552, "5.3.4", "message size " + content.size()
                        + " exceeds the limit of " + destination.host() + " (" + client.maxSize() + ")"));
            }
            return client.send(sender, recipients, content, smtpUtf8);
        } finally {
            client.quit();
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** STARTTLS's handshake with the given trust. {@code identify}: the Web PKI's trust manager checks the host's name. */
    private static SSLSocket startTls(Socket socket, String host, int port, SSLContext context, boolean identify) throws IOException {
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, host, port, true);
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setProtocols(TLS_PROTOCOLS);
        if (identify) {
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
        }
        tls.setSSLParameters(parameters);
        tls.startHandshake();
        return tls;
    }

    /** Opportunistic TLS (RFC 7435): encrypt whatever certificate the peer shows. */
    private static SSLContext opportunistic() throws IOException {
        return contextOf(new AnyCertificate());
    }

    private static SSLContext contextOf(X509TrustManager trust) throws IOException {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trust}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("TLS setup failed: " + e.getMessage(), e);
        }
    }

    /** A matched record for the route: its parameters and the start of its data. */
    private static String abbreviated(String matched) {
        return matched == null || matched.length() <= 40 ? String.valueOf(matched) : matched.substring(0, 40) + "…";
    }

    /**
     * A step that did not get the expected code fails the host. Only the code is kept: the text of
     * a greeting or an EHLO reply (a banner) ends up in the sender's DSN otherwise, which would
     * tell a sender what runs on a host it pointed us at.
     */
    private static void expect(Reply reply, int code, String step) throws IOException {
        if (reply.code() != code) {
            throw new IOException(step + " answered " + reply.code() + (reply.status() == null ? "" : " " + reply.status()));
        }
    }

    private static List<RecipientReply> all(List<String> recipients, Reply reply) {
        return recipients.stream().map(r -> new RecipientReply(r, reply)).toList();
    }

    /** The host does not offer STARTTLS where TLS is required. */
    private static final class TlsMissingException extends IOException {
        TlsMissingException(String message) {
            super(message);
        }
    }

    /** Opportunistic TLS checks no certificate; it still defeats passive eavesdropping. */
    private static final class AnyCertificate implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            // not a server
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // opportunistic: any certificate will do
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
