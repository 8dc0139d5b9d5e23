package org.mailforge.application.scanning;

/**
 * The content scanners this server is configured to ask (SMTP_ENABLE_CLAMAV,
 * SMTP_ENABLE_SPAMASSASSIN): either may be null, meaning that check is off. Infrastructure
 * provides the daemon clients; tests hand in their own.
 */
public record Scanners(VirusScanner virus, SpamScanner spam) {
}
