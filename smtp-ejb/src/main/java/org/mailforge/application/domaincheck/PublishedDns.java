package org.mailforge.application.domaincheck;

import java.util.List;

/**
 * What a domain publishes in DNS, asked as any sender would ask it (the server's resolver,
 * SMTP_DNS_SERVER); infrastructure implements it. Names are absolute, without the trailing dot.
 */
public interface PublishedDns {

    /** The resolver gave no answer (timeout, SERVFAIL): the item cannot be judged now. */
    final class Unanswered extends Exception {
        private static final long serialVersionUID = 1L;

        public Unanswered(String message) {
            super(message);
        }
    }

    /**
     * The same questions, each answered by {@code deadline} at the latest: past it, a question is
     * unanswered at once (SPF: {@code temperror}).
     */
    PublishedDns within(java.time.Instant deadline);

    /** The organisational domain of {@code domain} (RFC 7489 3.2, by the public suffix list). */
    String organisationalDomain(String domain);

    /** The TXT records of {@code name}, each one string (its parts joined); empty when there are none. */
    List<String> txt(String name) throws Unanswered;

    /** The TLSA records at {@code name} (such as {@code _25._tcp.mx.example.com}). */
    List<org.mailforge.smtp.tls.Tlsa> tlsa(String name) throws Unanswered;

    /** The MX targets of {@code domain}, lower case, by preference. */
    List<String> mx(String domain) throws Unanswered;

    /** The A and AAAA addresses of {@code host}. */
    List<String> addresses(String host) throws Unanswered;

    /** The AAAA ({@code ipv6}) or the A addresses of {@code host}. */
    List<String> addresses(String host, boolean ipv6) throws Unanswered;

    /** The PTR names of {@code address}, lower case. */
    List<String> ptr(String address) throws Unanswered;

    /**
     * The SPF result (RFC 7208: pass, fail, softfail, neutral, none, permerror, temperror) of mail
     * from {@code domain} sent by {@code address}, which greeted as {@code helo}.
     */
    String spf(String address, String domain, String helo);
}
