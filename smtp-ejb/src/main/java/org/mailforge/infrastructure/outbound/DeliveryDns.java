package org.mailforge.infrastructure.outbound;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;

/**
 * The DNS questions of delivery (MX, address and TLSA records), asked of one resolver. With a
 * validating resolver the administrator trusts (SMTP_DANE_RESOLVER), each answer says whether it
 * is DNSSEC-validated: the question asks for it (AD and DO bits, RFC 6840 5.7) and the answer's
 * AD bit tells, as Postfix's {@code smtp_dns_support_level = dnssec}. Otherwise no answer is
 * ever secure.
 */
final class DeliveryDns {

    /** What the resolver said: its response code, the records of the type asked for, and whether it validated them. */
    record Answer(int rcode, List<Record> records, boolean secure) {

        boolean found() {
            return rcode == Rcode.NOERROR && !records.isEmpty();
        }

        /** The name exists without records of the type (NODATA), or does not exist (NXDOMAIN): a denial. */
        boolean denied() {
            return rcode == Rcode.NXDOMAIN || rcode == Rcode.NOERROR && records.isEmpty();
        }
    }

    private final Resolver resolver;
    private final boolean validating;

    private DeliveryDns(Resolver resolver, boolean validating) {
        this.resolver = resolver;
        this.validating = validating;
    }

    /** Questions to SMTP_DNS_SERVER (or the system's resolver): nothing is ever secure. */
    static DeliveryDns plain(String server, Duration timeout) {
        return new DeliveryDns(org.mailforge.infrastructure.dns.DnsClient.resolver(server, timeout), false);
    }

    /** Questions to the validating resolver of SMTP_DANE_RESOLVER, whose AD bit is trusted. */
    static DeliveryDns validating(InetSocketAddress server, Duration timeout) {
        SimpleResolver simple = resolver(server, timeout);
        // DO: the resolver is to validate and say so; a payload a validated answer with signatures fits in (RFC 6891, DNS flag day 2020)
        simple.setEDNS(0, 1232, ExtendedFlags.DO, List.of());
        return new DeliveryDns(simple, true);
    }

    /** The validating resolver, for questions whose validation does not matter (MTA-STS discovery): one resolver for delivery. */
    static SimpleResolver resolver(InetSocketAddress server, Duration timeout) {
        SimpleResolver simple = new SimpleResolver(server);
        simple.setTimeout(timeout);
        return simple;
    }

    boolean validating() {
        return validating;
    }

    /**
     * Asks for the records of a type at a name (absolute).
     *
     * @throws IOException no answer (a timeout, a network error)
     */
    Answer query(Name name, int type, Duration timeout) throws IOException {
        Message question = Message.newQuery(Record.newRecord(name, type, DClass.IN));
        if (validating) {
            question.getHeader().setFlag(Flags.AD); // RFC 6840 5.7: tell whether the answer is authentic
        }
        Message response;
        try {
            response = resolver.sendAsync(question).toCompletableFuture()
                    .get(Math.max(1, timeout.toMillis()), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException("DNS did not answer for " + name + " " + org.xbill.DNS.Type.string(type) + " in time");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException("DNS lookup of " + name + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking DNS for " + name);
        }
        int rcode = response.getRcode();
        List<Record> records = rcode != Rcode.NOERROR ? List.of()
                : Arrays.stream(response.getSectionArray(Section.ANSWER)).filter(r -> r.getType() == type).toList();
        return new Answer(rcode, records, validating && response.getHeader().getFlag(Flags.AD));
    }
}
