package org.mailforge.interfaces.ui;

import java.util.EnumSet;

import jakarta.inject.Inject;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.SessionCookieConfig;
import jakarta.servlet.SessionTrackingMode;
import jakarta.servlet.annotation.WebListener;

import org.mailforge.application.config.ServerConfiguration;

/**
 * The session cookie of the web UI, set before the application takes requests: HttpOnly (no script
 * reads it), SameSite=Strict (no other site's page makes the browser send it), Secure when the API
 * has HTTPS (SMTP_API_HTTPS_PORT; the UI then redirects plain HTTP there), sessions tracked by the
 * cookie only (never in a URL) and ended after 30 idle minutes. With HTTPS the cookie is named
 * with the {@code __Host-} prefix: browsers then take it only from this very host over HTTPS with
 * {@code Path=/} and no {@code Domain}, so a sibling host (the {@code mta-sts.} name, say) cannot
 * plant one.
 */
@WebListener
public class UiSessionCookies implements ServletContextListener {

    /** The cookie's name over plain HTTP. */
    public static final String NAME = "mailforge_session";
    /** The cookie's name with HTTPS. */
    public static final String SECURE_NAME = "__Host-" + NAME;

    @Inject
    ServerConfiguration configuration;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        SessionCookieConfig cookie = event.getServletContext().getSessionCookieConfig();
        boolean https = configuration.admin().apiHttpsPort() > 0;
        cookie.setName(https ? SECURE_NAME : NAME);
        cookie.setHttpOnly(true);
        cookie.setSecure(https);
        cookie.setPath("/");
        cookie.setAttribute("SameSite", "Strict");
        event.getServletContext().setSessionTrackingModes(EnumSet.of(SessionTrackingMode.COOKIE));
        event.getServletContext().setSessionTimeout((int) UiSessions.IDLE.toMinutes());
    }
}
