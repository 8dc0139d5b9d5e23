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
 * cookie only (never in a URL) and ended after 30 idle minutes.
 */
@WebListener
public class UiSessionCookies implements ServletContextListener {

    /** The cookie's name. */
    public static final String NAME = "mailforge_session";

    @Inject
    ServerConfiguration configuration;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        SessionCookieConfig cookie = event.getServletContext().getSessionCookieConfig();
        cookie.setName(NAME);
        cookie.setHttpOnly(true);
        cookie.setSecure(configuration.apiHttpsPort() > 0);
        cookie.setPath("/");
        cookie.setAttribute("SameSite", "Strict");
        event.getServletContext().setSessionTrackingModes(EnumSet.of(SessionTrackingMode.COOKIE));
        event.getServletContext().setSessionTimeout((int) UiSessions.IDLE.toMinutes());
    }
}
