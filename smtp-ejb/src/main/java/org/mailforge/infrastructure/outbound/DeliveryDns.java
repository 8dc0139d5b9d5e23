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
import org.xbill.DNS.Type;

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

    /**
     * Asks for the records of a type at a name (absolute).
     *
     * @throws IOException no answer (a timeout, a network error)
     */
    Answer query(Name name, int type, Duration timeout) throws IOException {
        return await(name, type, start(name, type), timeout);
    }

    /** Sends the question and returns at once: several can be under way together ({@link #await}). */
    java.util.concurrent.CompletableFuture<Message> start(Name name, int type) {
        Message question = Message.newQuery(Record.newRecord(name, type, DClass.IN));
        if (validating) {
            question.getHeader().setFlag(Flags.AD); // RFC 6840 5.7: tell whether the answer is authentic
        }
        return resolver.sendAsync(question).toCompletableFuture();
    }

    /**
     * The answer to a question {@link #start started} before, waiting at most {@code timeout}.
     *
     * @throws IOException no answer in time, or a network error
     */
    Answer await(Name name, int type, java.util.concurrent.CompletableFuture<Message> pending, Duration timeout) throws IOException {
        Message response;
        try {
            response = pending.get(Math.max(1, timeout.toMillis()), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            pending.cancel(true);
            throw new IOException("DNS did not answer for " + name + " " + Type.string(type) + " in time");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException("DNS lookup of " + name + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking DNS for " + name);
        }
        int rcode = response.getRcode();
        List<Record> records = rcode != Rcode.NOERROR ? List.of() : answers(response, name, type);
        if (records == null) {
            // records the question does not explain (another name, a chain too long): no answer, not an empty one
            return new Answer(Rcode.SERVFAIL, List.of(), false);
        }
        return new Answer(rcode, records, validating && response.getHeader().getFlag(Flags.AD));
    }

    /**
     * The records of the type at the name, or at the end of its alias chain (CNAME), or null when
     * the answer section holds records the question does not explain (of other names, or a chain
     * longer than 8 aliases).
     */
    private static List<Record> answers(Message response, Name name, int type) {
        // signatures are the resolver's business; a DNAME comes with the CNAME synthesized from it (RFC 6672), which is followed
        List<Record> section = Arrays.stream(response.getSectionArray(Section.ANSWER))
                .filter(r -> r.getType() != Type.RRSIG && r.getType() != Type.DNAME).toList();
        java.util.Set<Name> owners = new java.util.HashSet<>(List.of(name));
        Name current = name;
        boolean ended = type == Type.CNAME;
        for (int hops = 0; hops <= 8 && !ended; hops++) {
            Name from = current;
            java.util.Optional<Record> alias = section.stream().filter(r -> r.getType() == Type.CNAME && r.getName().equals(from)).findFirst();
            if (alias.isEmpty()) {
                ended = true;
            } else {
                current = ((org.xbill.DNS.CNAMERecord) alias.get()).getTarget();
                owners.add(current);
            }
        }
        if (!ended) {
            return null;
        }
        boolean unexplained = section.stream().anyMatch(r -> !owners.contains(r.getName()) || r.getType() != type && r.getType() != Type.CNAME);
        return unexplained ? null : section.stream().filter(r -> r.getType() == type).toList();
    }
}
