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
 * lookups (RFC 7208 4.6.4), after which the result is {@code permerror}; the limit of ten MX
 * records an {@code mx} term may bring (4.6.4, {@code permerror} too); {@code permerror} for a
 * policy that is not 7-bit ASCII (3.1); and it asks for TXT records only (RFC 7208 3.1), never
 * the obsolete type 99 jSPF tries first. Once the result is a permerror no more questions are
 * asked. Explanations ({@code exp=}) are parsed but never fetched: nothing here shows them, and
 * their lookup failing or finding nothing must not change the result (6.2) nor count as a void
 * lookup (4.6.4). The SPF council's RFC 7208 test suite runs against this class
 * ({@code SpfTestSuiteTest}).
 *
 * <p>The identity checked is the envelope sender, or {@code postmaster@} the HELO name for the
 * null sender (RFC 7208 2.4).
 */
final class SpfVerifier {

    private static final int MAX_VOID_LOOKUPS = 2;
    /** RFC 7208 4.6.4: an mx term whose name has more MX records than this is a permerror. */
    private static final int MAX_MX_RECORDS = 10;

    /**
     * jSPF logs every directive it matches (INFO) and every broken record of a sender's domain with
     * a stack trace (WARNING), and a policy that makes it fail (SEVERE, a stack trace): what
     * senders publish must not write our log. This level holds outside Liberty (the unit tests);
     * in Liberty, whose loggers take their levels from the server's trace specification only,
     * server.xml's {@code <logging>} turns jSPF off. Held here, since java.util.logging keeps
     * loggers only weakly.
     */
    private static final java.util.logging.Logger JSPF_LOG = java.util.logging.Logger.getLogger("org.apache.james.jspf");

    static {
        JSPF_LOG.setLevel(java.util.logging.Level.OFF);
    }

    /** The DNS state of the check running on this thread: its deadline and the void answers seen. */
    private static final class Check {
        final Instant deadline;
        int voidLookups;
        boolean timedOut;
        /**
         * The shortest TTL of the records the check used (seconds), {@link #REMEMBER_SECONDS} at most;
         * 0 once an answer was empty (a negative answer carries no TTL of its own here).
         */
        long shortestTtl = REMEMBER_SECONDS;
        /** Why the result is a permerror whatever jSPF concludes (too many MX records, a policy not in ASCII), or null. */
        String permerror;

        Check(Instant deadline) {
            this.deadline = deadline;
        }
    }

    /**
     * How long a result is remembered at most: the same client, sender and HELO name within it get
     * the same answer from the same DNS answers, so the policy is not evaluated again. A bulk
     * sender's messages cost one evaluation a minute instead of one each (jSPF parses the policy
     * and builds its checkers each time: half of the sender checks' CPU with answers from the
     * cache, #38). Never longer than the TTL the records it rests on carry; since the DNS cache
     * hands records out with the TTL they came with, not the time they have left, a result may
     * outlive its records by up to this much. A result that rests on an empty answer (NXDOMAIN,
     * no record of the type: a void lookup, a domain without a policy) is not remembered.
     */
    static final long REMEMBER_SECONDS = 60;
    /** Results remembered at most; a full memory drops what expired, then everything. */
    private static final int MAX_REMEMBERED = 10_000;
    /** Idle jSPF engines kept at most; more are made while more checks run at once, and let go after. */
    private static final int MAX_IDLE_ENGINES = 64;

    /** A result, without the sender and HELO name it is shown with, and until when it holds. */
    private record Remembered(String result, String reason, long untilNanos) {
    }

    private final BudgetedDns dns;
    /**
     * Idle jSPF engines, one per check at a time: jSPF's macro expander keeps the pattern of the
     * macro it is expanding in a field, so two checks expanding macros in one engine at once could
     * expand each other's (a wrong name, then a wrong result).
     */
    private final java.util.concurrent.BlockingQueue<SPF> engines = new java.util.concurrent.ArrayBlockingQueue<>(MAX_IDLE_ENGINES);
    private final java.util.Map<String, Remembered> remembered = new java.util.concurrent.ConcurrentHashMap<>();
    /** Evaluations made (not answered from memory), for tests. */
    private final java.util.concurrent.atomic.AtomicLong evaluations = new java.util.concurrent.atomic.AtomicLong();

    SpfVerifier(DnsClient client, String hostname) {
        this.dns = new BudgetedDns(client, hostname);
        release(engine()); // made once now: a jSPF that cannot be wired fails the start, not a message
    }

    /** An idle engine, or a new one. */
    private SPF engine() {
        SPF idle = engines.poll();
        if (idle != null) {
            return idle;
        }
        // what new SPF(dns) wires, with a parser whose exp= is never fetched (see the class comment)
        org.apache.james.jspf.wiring.WiringServiceTable wiring = new org.apache.james.jspf.wiring.WiringServiceTable();
        wiring.put(org.apache.james.jspf.core.DNSServiceEnabled.class, dns);
        org.apache.james.jspf.core.MacroExpand macros = new org.apache.james.jspf.core.MacroExpand(dns);
        wiring.put(org.apache.james.jspf.core.MacroExpandEnabled.class, macros);
        SPF spf = new SPF(dns, new org.apache.james.jspf.parser.RFC4408SPF1Parser(new WithoutExplanations(wiring).verified()), macros,
                new org.apache.james.jspf.executor.SynchronousSPFExecutor(dns));
        wiring.put(org.apache.james.jspf.core.SPFCheckEnabled.class, spf);
        spf.setUseBestGuess(false);
        return spf;
    }

    /** Back among the idle ones, unless {@link #MAX_IDLE_ENGINES} are idle already. */
    private void release(SPF engine) {
        engines.offer(engine);
    }

    /** jSPF's terms with an exp modifier that is parsed (its syntax still counts) but never looked up. */
    private static final class WithoutExplanations extends org.apache.james.jspf.impl.DefaultTermsFactory {
        WithoutExplanations(org.apache.james.jspf.wiring.WiringService wiring) {
            super(wiring);
        }

        WithoutExplanations verified() {
            if (getModifiersCollection().stream().noneMatch(term -> term.getTermDef() == UnfetchedExplanation.class)) {
                // another copy of jSPF would make ExpModifier a class of its own: explanations would be fetched again
                throw new IllegalStateException("jSPF's exp modifier was not found to replace");
            }
            return this;
        }

        @Override
        public java.util.Collection<org.apache.james.jspf.parser.TermDefinition> getModifiersCollection() {
            return super.getModifiersCollection().stream().map(term -> term.getTermDef() != org.apache.james.jspf.terms.ExpModifier.class
                    ? term : new org.apache.james.jspf.parser.TermDefinition() {
                        @Override
                        public java.util.regex.Pattern getPattern() {
                            return term.getPattern();
                        }

                        @Override
                        public Class<?> getTermDef() {
                            return UnfetchedExplanation.class;
                        }

                        @Override
                        public int getMatchSize() {
                            return term.getMatchSize();
                        }
                    }).toList();
        }
    }

    /** exp= as jSPF parses it, without the TXT lookup of the explanation. */
    public static final class UnfetchedExplanation extends org.apache.james.jspf.terms.ExpModifier {
        @Override
        protected org.apache.james.jspf.core.DNSLookupContinuation checkSPFLogged(org.apache.james.jspf.core.SPFSession session) {
            return null;
        }
    }

    Spf check(String clientAddress, String mailFrom, String helo, Instant deadline) {
        String identity = mailFrom.isEmpty() ? "postmaster@" + helo : mailFrom;
        // every macro a policy may use reads these three (the t, c and r macros only explanations, never fetched)
        String key = clientAddress + " " + asciiLowerCase(identity) + " " + asciiLowerCase(helo);
        long now = System.nanoTime();
        Remembered known = remembered.get(key);
        if (known != null && now - known.untilNanos() < 0) {
            return new Spf(known.result(), mailFrom, helo, known.reason());
        }
        evaluations.incrementAndGet();
        Check check = new Check(deadline);
        dns.current.set(check);
        Spf result;
        try {
            result = evaluate(check, clientAddress, identity, mailFrom, helo);
        } catch (RuntimeException e) {
            return new Spf("permerror", mailFrom, helo, "the sender cannot be checked");
        } finally {
            dns.current.remove();
        }
        if (!"temperror".equals(result.result()) && check.shortestTtl > 0) {
            remember(key, new Remembered(result.result(), result.reason(), now + java.util.concurrent.TimeUnit.SECONDS.toNanos(check.shortestTtl)), now);
        }
        return result;
    }

    /** DNS folds the case of ASCII letters only (RFC 4343): other letters that lower-case alike may name other domains. */
    private static String asciiLowerCase(String text) {
        StringBuilder folded = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                if (folded == null) {
                    folded = new StringBuilder(text);
                }
                folded.setCharAt(i, (char) (c + ('a' - 'A')));
            }
        }
        return folded == null ? text : folded.toString();
    }

    private Spf evaluate(Check check, String clientAddress, String identity, String mailFrom, String helo) {
        SPF engine = engine();
        SPFResult result;
        try {
            result = engine.checkSPF(clientAddress, identity, helo);
        } finally {
            release(engine);
        }
        String verdict = result.getResult();
        if (check.permerror != null) {
            return new Spf("permerror", mailFrom, helo, check.permerror);
        }
        if (check.voidLookups > MAX_VOID_LOOKUPS) {
            return new Spf("permerror", mailFrom, helo, "more than " + MAX_VOID_LOOKUPS + " void lookups");
        }
        if (check.timedOut) {
            return new Spf("temperror", mailFrom, helo, "DNS did not answer in time");
        }
        return new Spf(verdict == null || verdict.isEmpty() ? "temperror" : verdict, mailFrom, helo, reason(verdict, clientAddress));
    }

    private void remember(String key, Remembered result, long now) {
        if (remembered.size() >= MAX_REMEMBERED) {
            remembered.values().removeIf(old -> now - old.untilNanos() >= 0);
            if (remembered.size() >= MAX_REMEMBERED) {
                remembered.clear();
            }
        }
        remembered.put(key, result);
    }

    /** Policies evaluated so far, not counting results given from memory (tests). */
    long evaluations() {
        return evaluations.get();
    }

    /** An SPF record (RFC 7208 4.5: "v=spf1" then a space or its end) with an octet outside ASCII. */
    private static boolean nonAsciiPolicy(Record record) {
        if (!(record instanceof org.xbill.DNS.TXTRecord txt)) {
            return false;
        }
        java.io.ByteArrayOutputStream joined = new java.io.ByteArrayOutputStream();
        txt.getStringsAsByteArrays().forEach(joined::writeBytes);
        byte[] octets = joined.toByteArray();
        String start = new String(octets, 0, Math.min(7, octets.length), java.nio.charset.StandardCharsets.ISO_8859_1);
        if (!start.equalsIgnoreCase("v=spf1 ") && !start.equalsIgnoreCase("v=spf1")) {
            return false; // not a policy: none of SPF's business (RFC 7208 4.5)
        }
        for (byte octet : octets) {
            if (octet < 0) {
                return true;
            }
        }
        return false;
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
            if (check != null && (check.permerror != null || check.voidLookups > MAX_VOID_LOOKUPS)) {
                return null; // the result is permerror already: no more questions on the sender's behalf (RFC 7208 4.6.4)
            }
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
                    check.shortestTtl = 0;
                }
                return null; // jSPF's "no such records"
            }
            List<String> records = DNSServiceXBillImpl.convertRecordsToList(answer.records().toArray(new Record[0]));
            if (check != null) {
                answer.records().forEach(record -> check.shortestTtl = Math.min(check.shortestTtl, record.getTTL()));
            }
            if (check != null && records != null) {
                if (type == Type.MX && records.size() > MAX_MX_RECORDS) {
                    check.permerror = "more than " + MAX_MX_RECORDS + " MX records for an mx term";
                    return null; // none of their addresses is asked for
                } else if (type == Type.TXT && answer.records().stream().anyMatch(SpfVerifier::nonAsciiPolicy)) {
                    check.permerror = "a policy that is not ASCII";
                }
            }
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
