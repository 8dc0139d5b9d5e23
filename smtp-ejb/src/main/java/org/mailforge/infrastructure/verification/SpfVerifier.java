package org.mailforge.infrastructure.verification;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.james.jspf.core.DNSRequest;
import org.apache.james.jspf.core.DNSService;
import org.apache.james.jspf.core.exceptions.TimeoutException;
import org.apache.james.jspf.executor.SPFResult;
import org.apache.james.jspf.impl.DNSServiceXBillImpl;
import org.apache.james.jspf.impl.SPF;
import org.mailforge.application.verification.AuthenticationResults.Spf;
import org.mailforge.infrastructure.dns.DnsClient;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * SPF (RFC 7208) with Apache James jSPF, which evaluates the record (mechanisms, macros, the
 * limit of ten DNS-querying terms); its DNS questions go through {@link DnsClient} within the
 * message's time budget, and this class adds what jSPF 1.0.5 lacks: the limit of two void
 * lookups (RFC 7208 4.6.4), after which the result is {@code permerror}; and it asks for TXT
 * records only (RFC 7208 3.1), never the obsolete type 99 jSPF tries first.
 *
 * <p>The identity checked is the envelope sender, or {@code postmaster@} the HELO name for the
 * null sender (RFC 7208 2.4).
 */
final class SpfVerifier {

    private static final int MAX_VOID_LOOKUPS = 2;

    /**
     * jSPF logs every directive it matches (INFO) and every broken record of a sender's domain with
     * a stack trace (WARNING): what senders publish must not write our log. Its own faults still
     * show (SEVERE). Held here, since java.util.logging keeps loggers only weakly.
     */
    private static final java.util.logging.Logger JSPF_LOG = java.util.logging.Logger.getLogger("org.apache.james.jspf");

    static {
        JSPF_LOG.setLevel(java.util.logging.Level.SEVERE);
    }

    /** The DNS state of the check running on this thread: its deadline and the void answers seen. */
    private static final class Check {
        final Instant deadline;
        int voidLookups;
        boolean timedOut;

        Check(Instant deadline) {
            this.deadline = deadline;
        }
    }

    private final BudgetedDns dns;
    private final SPF spf;

    SpfVerifier(DnsClient client, String hostname) {
        this.dns = new BudgetedDns(client, hostname);
        this.spf = new SPF(dns);
        spf.setUseBestGuess(false);
    }

    Spf check(String clientAddress, String mailFrom, String helo, Instant deadline) {
        String identity = mailFrom.isEmpty() ? "postmaster@" + helo : mailFrom;
        Check check = new Check(deadline);
        dns.current.set(check);
        try {
            SPFResult result = spf.checkSPF(clientAddress, identity, helo);
            String verdict = result.getResult();
            if (check.voidLookups > MAX_VOID_LOOKUPS) {
                return new Spf("permerror", mailFrom, helo, "more than " + MAX_VOID_LOOKUPS + " void lookups");
            }
            if (check.timedOut) {
                return new Spf("temperror", mailFrom, helo, "DNS did not answer in time");
            }
            return new Spf(verdict == null || verdict.isEmpty() ? "temperror" : verdict, mailFrom, helo, reason(verdict, clientAddress));
        } catch (RuntimeException e) {
            return new Spf("permerror", mailFrom, helo, "the sender cannot be checked");
        } finally {
            dns.current.remove();
        }
    }

    private static String reason(String verdict, String clientAddress) {
        return switch (verdict == null ? "" : verdict) {
            case "pass" -> clientAddress + " is allowed";
            case "fail" -> clientAddress + " is not allowed";
            case "softfail" -> clientAddress + " is not allowed, softly";
            default -> null;
        };
    }

    /** jSPF's view of DNS: our client, the deadline and the void count of the check on this thread. */
    private static final class BudgetedDns implements DNSService {
        final ThreadLocal<Check> current = new ThreadLocal<>();
        private final DnsClient client;
        private final List<String> localNames;
        private volatile int recordLimit = 10;

        BudgetedDns(DnsClient client, String hostname) {
            this.client = client;
            this.localNames = List.of(hostname);
        }

        @Override
        public List<String> getRecords(DNSRequest request) throws TimeoutException {
            Check check = current.get();
            if (request.getRecordType() == DNSRequest.SPF) {
                return null; // RFC 7208 3.1: TXT only; a resolver refusing type 99 must not turn every check into temperror
            }
            int type = switch (request.getRecordType()) {
                case DNSRequest.A -> Type.A;
                case DNSRequest.AAAA -> Type.AAAA;
                case DNSRequest.MX -> Type.MX;
                case DNSRequest.PTR -> Type.PTR;
                default -> Type.TXT;
            };
            DnsClient.Answer answer;
            try {
                answer = client.query(request.getHostname(), type, check == null ? Instant.now().plusSeconds(2) : check.deadline);
            } catch (DnsClient.DnsTimeoutException e) {
                if (check != null) {
                    check.timedOut = true;
                }
                throw new TimeoutException(e.getMessage());
            }
            if (answer.isEmpty()) {
                if (check != null) {
                    check.voidLookups++;
                }
                return null; // jSPF's "no such records"
            }
            List<String> records = DNSServiceXBillImpl.convertRecordsToList(answer.records().toArray(new Record[0]));
            return records == null ? null : new ArrayList<>(records);
        }

        @Override
        public CompletionStage<List<String>> getRecordsAsync(DNSRequest request) {
            try {
                return CompletableFuture.completedFuture(getRecords(request));
            } catch (TimeoutException e) {
                return CompletableFuture.failedFuture(e);
            }
        }

        @Override
        public List<String> getLocalDomainNames() {
            return localNames;
        }

        @Override
        public void setTimeOut(int timeOut) {
            // the deadline of each check governs
        }

        @Override
        public int getRecordLimit() {
            return recordLimit;
        }

        @Override
        public void setRecordLimit(int recordLimit) {
            this.recordLimit = recordLimit;
        }
    }
}
