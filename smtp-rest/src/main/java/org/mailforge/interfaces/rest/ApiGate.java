package org.mailforge.interfaces.rest;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.Response;

import org.mailforge.application.metrics.MailMetrics;
import org.mailforge.application.config.ServerConfiguration;
import org.mailforge.interfaces.rest.errors.ApiError;
import org.mailforge.smtp.ratelimit.Allowance;
import org.mailforge.smtp.ratelimit.Cidr;
import org.mailforge.smtp.spi.RateLimit;
import org.mailforge.smtp.ratelimit.RateLimiter;

/**
 * What every request to the API passes first, before authentication (so failed logins are
 * limited too): the version header, the per-address rate limit with its headers, and 429 beyond
 * it (spec: Versioning, Rate Limiting). Errors written here have the API's JSON shape.
 */
@ApplicationScoped
public class ApiGate {

    public static final String VERSION_HEADER = "X-API-Version";
    public static final String VERSION = "1.0";
    private static final String ADMITTED = ApiGate.class.getName() + ".admitted";

    @Inject
    ServerConfiguration configuration;

    @Inject
    MailMetrics metrics;

    private RateLimiter limiter;
    private java.util.List<Cidr> trustedProxies;
    private final Jsonb json = JsonbBuilder.create();

    @PostConstruct
    void init() {
        var operations = configuration.operations();
        limiter = new RateLimiter(Map.of(RateLimit.API_REQUESTS, operations.apiRequestsPerMinute(),
                        RateLimit.AUTH_FAILURES, operations.authFailuresPerHour()),
                Cidr.parseList(operations.rateLimitExempt()), 100_000, System::nanoTime, metrics::apiRateLimited);
        trustedProxies = Cidr.parseList(operations.apiTrustedProxies());
    }

    /**
     * The client a request's budgets count: the connection's address, or behind a reverse proxy of
     * SMTP_API_TRUSTED_PROXIES the nearest address in {@code X-Forwarded-For} that is not one of
     * them (read from the right: what the client wrote itself on the left is not trusted). Only
     * address literals count; nothing is looked up.
     */
    public InetAddress client(HttpServletRequest request) throws IOException {
        InetAddress peer = InetAddress.getByName(request.getRemoteAddr());
        if (trustedProxies.isEmpty() || !trusted(peer)) {
            return peer;
        }
        List<String> hops = new java.util.ArrayList<>();
        for (java.util.Enumeration<String> values = request.getHeaders("X-Forwarded-For"); values != null && values.hasMoreElements(); ) {
            for (String hop : values.nextElement().split(",")) {
                hops.add(hop.strip());
            }
        }
        InetAddress client = peer;
        for (int i = hops.size() - 1; i >= 0 && hops.size() - i <= 20; i--) {
            InetAddress hop = literal(hops.get(i));
            if (hop == null) {
                return client; // garbage where an address should be: the last hop we could read
            }
            client = hop;
            if (!trusted(hop)) {
                return hop;
            }
        }
        return client;
    }

    /**
     * Whether Basic credentials on this request crossed a network in the clear: the API has HTTPS
     * (SMTP_API_HTTPS_PORT), yet this request came over plain HTTP from a client other than this
     * host (behind a trusted proxy: the client it names, unless the proxy says it took HTTPS,
     * {@code X-Forwarded-Proto: https}). Such credentials are refused unread: scripts learn to use
     * HTTPS before their password has been sent in clear many times.
     */
    public boolean plaintextCredentials(HttpServletRequest request) throws IOException {
        if (configuration.admin().apiHttpsPort() == 0 || request.isSecure()) {
            return false;
        }
        InetAddress peer = InetAddress.getByName(request.getRemoteAddr());
        if (!trustedProxies.isEmpty() && trusted(peer)) {
            String proto = request.getHeader("X-Forwarded-Proto");
            if (proto != null && proto.substring(proto.lastIndexOf(',') + 1).strip().equalsIgnoreCase("https")) {
                return false;
            }
            return !client(request).isLoopbackAddress();
        }
        return !peer.isLoopbackAddress();
    }

    /** Whether the request is Dovecot's policy question, with SMTP_DOVECOT_POLICY_SECRET (compared in constant time). */
    public boolean isDovecot(HttpServletRequest request) {
        String expected = configuration.operations().dovecotPolicySecret();
        String sent = request.getHeader("X-Mailforge-Policy");
        return expected != null && sent != null && request.getRequestURI().endsWith("/api/dovecot/policy")
                && java.security.MessageDigest.isEqual(expected.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        sent.strip().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Takes a unit of this address's failed-login budget for a login checked elsewhere (Dovecot's IMAP); false when none is left. */
    public boolean takeLoginElsewhere(InetAddress address) {
        return limiter.spend(address, RateLimit.AUTH_FAILURES).allowed();
    }

    /** The unit {@link #takeLoginElsewhere} took comes back: the login was right (or was never tried). */
    public void loginSucceededElsewhere(InetAddress address) {
        limiter.refund(address, RateLimit.AUTH_FAILURES);
    }

    /** SMTP_API_HTTPS_PORT: the API's HTTPS port, 0 when it has none. */
    public int httpsPort() {
        return configuration.admin().apiHttpsPort();
    }

    private boolean trusted(InetAddress address) {
        return trustedProxies.stream().anyMatch(network -> network.contains(address));
    }

    /** An IPv4 or IPv6 address literal, or null: never a name (no DNS for what a client wrote). */
    public static InetAddress literal(String text) {
        String bare = text;
        if (bare.startsWith("[") && bare.indexOf(']') > 0) {
            bare = bare.substring(1, bare.indexOf(']')); // [v6] or [v6]:port
        } else if (bare.indexOf(':') > 0 && bare.indexOf(':') == bare.lastIndexOf(':')) {
            bare = bare.substring(0, bare.indexOf(':')); // v4:port
        }
        if (bare.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            for (String octet : bare.split("\\.")) {
                if (Integer.parseInt(octet) > 255) {
                    return null; // getByName would look such a "name" up in DNS
                }
            }
        } else if (!(bare.contains(":") && bare.matches("[0-9A-Fa-f:.]{2,45}"))) {
            return null;
        }
        try {
            return InetAddress.getByName(bare);
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }

    /**
     * Counts the request once (however often the container asks) and sets the headers; when the
     * address is over its limit, writes the 429 and answers false.
     */
    public boolean admit(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (request.getAttribute(ADMITTED) instanceof Boolean admitted) {
            return admitted;
        }
        response.setHeader(VERSION_HEADER, VERSION);
        Allowance allowance = limiter.spend(client(request), RateLimit.API_REQUESTS);
        if (allowance.limit() > 0) {
            response.setHeader("X-RateLimit-Limit", Integer.toString(allowance.limit()));
            response.setHeader("X-RateLimit-Remaining", Integer.toString(allowance.remaining()));
            response.setHeader("X-RateLimit-Reset", Long.toString(Instant.now().getEpochSecond() + allowance.secondsToFull()));
        }
        request.setAttribute(ADMITTED, allowance.allowed());
        if (!allowance.allowed()) {
            response.setHeader("Retry-After", Long.toString(allowance.secondsToRetry()));
            error(response, Response.Status.TOO_MANY_REQUESTS, "rate limit of " + allowance.limit()
                    + " requests per minute exceeded; retry in " + allowance.secondsToRetry() + " s");
        }
        return allowance.allowed();
    }

    /**
     * Before a password is checked: an address that failed too often lately
     * (SMTP_RATE_LIMIT_AUTH_FAILURES_PER_HOUR, as for SMTP AUTH) gets 429 with Retry-After, and
     * no hashing is spent on it. Answers false when it wrote that.
     */
    public boolean admitLogin(HttpServletRequest request, HttpServletResponse response) throws IOException {
        long blocked = loginBlockedSeconds(request);
        if (blocked > 0) {
            tooManyFailures(response, blocked);
        }
        return blocked == 0;
    }

    /**
     * This request's address's failed-login budget as the authentication service spends it: a
     * unit taken just before a password is hashed (requests made at once cannot all pass a look
     * at what is left), given back when the password was right.
     */
    public org.mailforge.application.users.AuthenticationService.Reservation loginBudget(HttpServletRequest request) throws IOException {
        InetAddress address = client(request);
        return new org.mailforge.application.users.AuthenticationService.Reservation() {
            @Override
            public long take() {
                Allowance allowance = limiter.spend(address, RateLimit.AUTH_FAILURES);
                return allowance.allowed() ? 0 : Math.max(1, allowance.secondsToRetry());
            }

            @Override
            public void giveBack() {
                limiter.refund(address, RateLimit.AUTH_FAILURES);
            }
        };
    }


    /** Seconds until this request's address may try a login again; 0 when it may now. */
    public long loginBlockedSeconds(HttpServletRequest request) throws IOException {
        Allowance allowance = limiter.peek(client(request), RateLimit.AUTH_FAILURES);
        return allowance.allowed() ? 0 : Math.max(1, allowance.secondsToRetry());
    }

    /** A failed login from this request's address spends one unit of its budget. */
    public void loginFailed(HttpServletRequest request) throws IOException {
        limiter.spend(client(request), RateLimit.AUTH_FAILURES);
    }

    /** 429 for failed logins, from this address or against this account. */
    public void tooManyFailures(HttpServletResponse response, long retryAfterSeconds) throws IOException {
        response.setHeader("Retry-After", Long.toString(Math.max(1, retryAfterSeconds)));
        error(response, Response.Status.TOO_MANY_REQUESTS, "too many failed logins; retry in "
                + Math.max(1, retryAfterSeconds) + " s");
    }

    /** Writes an error in the API's JSON shape and commits the response. */
    public void error(HttpServletResponse response, Response.Status status, String message) throws IOException {
        response.setStatus(status.getStatusCode());
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(json.toJson(ApiError.of(status, message, null)));
        response.flushBuffer();
    }
}
