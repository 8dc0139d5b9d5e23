package org.mailforge.interfaces.ui;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.Response;

import org.mailforge.interfaces.rest.ApiGate;

/**
 * Serves the web UI's files (this WAR's {@code /ui/} folder: static HTML, one script, one style
 * sheet) ahead of JAX-RS, which owns every other path. Every page carries a strict
 * Content-Security-Policy (scripts, styles and connections to this origin only, no inline code,
 * no framing) and the usual hardening headers; the dashboard without a session goes to the
 * sign-in page; plain HTTP goes to HTTPS when the API has it.
 */
@WebFilter(urlPatterns = {"/ui", "/ui/*"})
public class UiAssetsFilter extends HttpFilter {

    /** The policy of every UI page: nothing from elsewhere, nothing inline. */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,40}\\.(html|js|css|svg)");
    private static final Map<String, String> TYPES = Map.of("html", "text/html;charset=utf-8",
            "js", "text/javascript;charset=utf-8", "css", "text/css;charset=utf-8", "svg", "image/svg+xml");

    private final Map<String, byte[]> files = new ConcurrentHashMap<>();

    @Inject
    UiSessions sessions;

    @Inject
    ApiGate gate;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (path.equals("/ui/session")) {
            chain.doFilter(request, response); // signing in and out: JAX-RS
            return;
        }
        response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("X-Frame-Options", "DENY");
        // not no-referrer: with it, a browser sends "Origin: null" with the sign-in form
        response.setHeader("Referrer-Policy", "same-origin");
        response.setHeader("Cross-Origin-Opener-Policy", "same-origin");
        response.setHeader("Cache-Control", "no-cache");
        if (request.isSecure()) {
            response.setHeader("Strict-Transport-Security", org.mailforge.interfaces.rest.security.NoStore.HSTS); // browsers come back over HTTPS only
        }
        Optional<java.net.URI> https = sessions.httpsInstead(request);
        if (https.isPresent()) {
            response.setStatus(308);
            response.setHeader("Location", https.get().toString());
            return;
        }
        if (!request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) {
            response.setHeader("Allow", "GET, HEAD");
            gate.error(response, Response.Status.METHOD_NOT_ALLOWED, "the UI's pages are read with GET");
            return;
        }
        if (path.equals("/ui")) {
            redirect(response, "/ui/");
            return;
        }
        String name = path.equals("/ui/") ? "index.html" : path.substring("/ui/".length());
        byte[] content = NAME.matcher(name).matches() ? file(name) : null;
        if (content == null) {
            gate.error(response, Response.Status.NOT_FOUND, "no such page: " + (name.length() > 60 ? name.substring(0, 60) + "..." : name));
            return;
        }
        if (name.equals("index.html") && sessions.current(request).isEmpty()) {
            redirect(response, UiSessionResource.SIGN_IN_PAGE);
            return;
        }
        response.setContentType(TYPES.get(name.substring(name.lastIndexOf('.') + 1)));
        response.setContentLength(content.length);
        if (request.getMethod().equals("GET")) {
            response.getOutputStream().write(content);
        }
    }

    /** A file of the UI, read once; null when there is none of that name. */
    private byte[] file(String name) throws IOException {
        byte[] cached = files.get(name);
        if (cached != null) {
            return cached;
        }
        try (InputStream in = getServletContext().getResourceAsStream("/ui/" + name)) {
            if (in == null) {
                return null;
            }
            byte[] content = in.readAllBytes();
            files.put(name, content);
            return content;
        }
    }

    private static void redirect(HttpServletResponse response, String location) {
        response.setStatus(HttpServletResponse.SC_SEE_OTHER);
        response.setHeader("Location", location);
    }
}
