package org.mailforge.interfaces.ui;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;

import org.mailforge.application.config.ServerConfiguration;
import org.mailforge.domain.user.User;

/**
 * The web UI's sign-in, kept on the server in the container's HTTP session: the session holds the
 * user's name, a CSRF token and when the user signed in, never the password. The browser holds
 * only the session cookie (HttpOnly, SameSite=Strict, Secure when the API has HTTPS; see
 * {@link UiSessionCookies}). A session ends after 30 idle minutes, 12 hours after sign-in, at
 * sign-out, or when its account changes: deleted, disabled, another password, another role, or a
 * new account under the same name (the session keeps a digest of the account's id, password hash
 * and role, compared on every request).
 */
@ApplicationScoped
public class UiSessions {

    /** The header the UI's scripts send the session's CSRF token in. */
    public static final String CSRF_HEADER = "X-CSRF-Token";
    static final Duration IDLE = Duration.ofMinutes(30);
    static final Duration LIFETIME = Duration.ofHours(12);

    private static final String USER = "mailforge.ui.user";
    private static final String CSRF = "mailforge.ui.csrf";
    private static final String SINCE = "mailforge.ui.since";
    private static final String ACCOUNT = "mailforge.ui.account";
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    private final SecureRandom random = new SecureRandom();

    @Inject
    ServerConfiguration configuration;

    /**
     * Who a live session belongs to, and the token its changes must carry.
     *
     * @param account the {@link #digest(User)} of the user at sign-in
     */
    public record SignedIn(String username, String csrfToken, String account) {

        /** Whether the user is still the account that signed in: same id, password and role (constant time). */
        public boolean isStill(User user) {
            return MessageDigest.isEqual(account.getBytes(StandardCharsets.US_ASCII), digest(user).getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** A digest of what a session was granted on: the account's id, its password hash and its role. */
    static String digest(User user) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            byte[] digest = sha256.digest((user.getId() + "\0" + user.getPasswordHash() + "\0" + user.isAdmin())
                    .getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /** Starts a new session for the user: any session the browser had is ended first (no fixation). */
    public SignedIn signIn(HttpServletRequest request, User user) {
        HttpSession old = request.getSession(false);
        String oldId = old == null ? null : old.getId();
        if (old != null) {
            invalidate(old);
        }
        HttpSession session = request.getSession(true);
        if (session.getId().equals(oldId)) {
            request.changeSessionId(); // a container that reuses identifiers must not reuse this one
        }
        byte[] token = new byte[32];
        random.nextBytes(token);
        SignedIn signedIn = new SignedIn(user.getUsername(), Base64.getUrlEncoder().withoutPadding().encodeToString(token),
                digest(user));
        session.setAttribute(USER, signedIn.username());
        session.setAttribute(ACCOUNT, signedIn.account());
        session.setAttribute(CSRF, signedIn.csrfToken());
        session.setAttribute(SINCE, Instant.now());
        session.setMaxInactiveInterval((int) IDLE.toSeconds());
        return signedIn;
    }

    /** The request's live session, if it has one; one past its lifetime is ended here. */
    public Optional<SignedIn> current(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (session == null) {
            return Optional.empty();
        }
        try {
            if (!(session.getAttribute(USER) instanceof String username && session.getAttribute(CSRF) instanceof String csrf
                    && session.getAttribute(SINCE) instanceof Instant since && session.getAttribute(ACCOUNT) instanceof String account)) {
                return Optional.empty();
            }
            if (since.plus(LIFETIME).isBefore(Instant.now())) {
                invalidate(session);
                return Optional.empty();
            }
            return Optional.of(new SignedIn(username, csrf, account));
        } catch (IllegalStateException invalidated) {
            return Optional.empty();
        }
    }

    /**
     * Whether the request may act for the session: reading always, changing only with the
     * session's token in {@value #CSRF_HEADER} (compared in constant time).
     */
    public static boolean mayChange(HttpServletRequest request, SignedIn signedIn) {
        if (SAFE_METHODS.contains(request.getMethod().toUpperCase(Locale.ROOT))) {
            return true;
        }
        String sent = request.getHeader(CSRF_HEADER);
        return sent != null && MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8),
                signedIn.csrfToken().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * After the request's own user changed its account (a new password, say): the request's
     * session, when it is that user's, is granted on the account as it is now, so it goes on
     * while every other session of the account ends.
     */
    public void renew(HttpServletRequest request, User user) {
        HttpSession session = request.getSession(false);
        if (session == null) {
            return;
        }
        try {
            if (user.getUsername().equals(session.getAttribute(USER))) {
                session.setAttribute(ACCOUNT, digest(user));
            }
        } catch (IllegalStateException invalidated) {
            // ended meanwhile: nothing to renew
        }
    }

    /** Ends the request's session, if any. */
    public void signOut(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (session != null) {
            invalidate(session);
        }
    }

    /**
     * Whether a form post comes from our own pages: its Origin (or, without one, its Referer)
     * names this very scheme, host and port. Browsers send Origin with every POST, so a page
     * elsewhere cannot sign a browser in to an account of its choosing (login CSRF).
     */
    public static boolean sameOrigin(HttpServletRequest request) {
        String origin = request.getHeader("Origin");
        if (origin == null) {
            origin = request.getHeader("Referer");
        }
        if (origin == null) {
            return false;
        }
        try {
            // the request's own scheme, host and port (over HTTP/2 there is no Host header)
            URI sent = URI.create(origin.strip());
            int port = sent.getPort() != -1 ? sent.getPort() : "https".equalsIgnoreCase(sent.getScheme()) ? 443 : 80;
            String host = sent.getHost() == null ? "" : sent.getHost().replace("[", "").replace("]", "");
            return request.getScheme().equalsIgnoreCase(sent.getScheme())
                    && request.getServerName().replace("[", "").replace("]", "").equalsIgnoreCase(host)
                    && request.getServerPort() == port;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Where this request belongs instead when the API has HTTPS (SMTP_API_HTTPS_PORT) and it came
     * over plain HTTP: the same path on the HTTPS port, since the session cookie is Secure then.
     */
    public Optional<URI> httpsInstead(HttpServletRequest request) {
        int port = configuration.admin().apiHttpsPort();
        if (port == 0 || request.isSecure()) {
            return Optional.empty();
        }
        String host = request.getServerName();
        host = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return Optional.of(URI.create("https://" + host + ":" + port + request.getRequestURI()));
    }

    private static void invalidate(HttpSession session) {
        try {
            session.invalidate();
        } catch (IllegalStateException alreadyInvalid) {
            // ended meanwhile: nothing left to end
        }
    }
}
