package org.mailforge.smtp.protocol;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

import org.mailforge.smtp.spi.AuthenticationResult;
import org.mailforge.smtp.spi.InboundMessage;
import org.mailforge.smtp.spi.Reply;
import org.mailforge.smtp.spi.SmtpMessageListener;

/**
 * Runs a session against a client script given up front (which is also what a pipelining client
 * does) and records the replies and the delivered messages.
 */
final class ScriptedSession {

    /** A message as the listener saw it, content copied out before the session released it. */
    record Delivered(InboundMessage message, byte[] content) {
        String text() {
            return new String(content, StandardCharsets.UTF_8);
        }
    }

    final List<Delivered> delivered = new ArrayList<>();
    /** The password arrays handed to the listener, to check they are wiped afterwards. */
    final List<char[]> passwordsSeen = new ArrayList<>();
    private final SmtpSettings settings;
    private Function<InboundMessage, Reply> answer = m -> Reply.of(250, "2.0.0", "Ok: queued");
    /** RCPT for a local domain: null takes the address (the default takes every one). */
    private Function<String, Reply> recipients = address -> null;
    /** The addresses the listener was asked about at RCPT. */
    final List<String> verified = new ArrayList<>();
    final List<String> sendersVerified = new ArrayList<>();
    /** The refusals the session reported for the message trace. */
    final List<org.mailforge.smtp.spi.Refusal> refused = new ArrayList<>();
    private String output = "";
    /** ETRN: domains asked for; ATRN: what is held, and what the reversed client reported. */
    final List<String> queueRuns = new ArrayList<>();
    final java.util.Map<String, List<org.mailforge.smtp.spi.RecipientReply>> turned = new java.util.LinkedHashMap<>();
    private List<org.mailforge.smtp.spi.HeldMail> held = List.of();

    private Clock clock = Clock.systemUTC();

    /** The session reads time from this clock (deadlines). */
    ScriptedSession withClock(Clock sessionClock) {
        this.clock = sessionClock;
        return this;
    }

    private org.mailforge.smtp.ratelimit.ClientBudget budget = org.mailforge.smtp.ratelimit.ClientBudget.UNLIMITED;

    /** The client's address shares this budget (rate limits). */
    ScriptedSession limitedBy(org.mailforge.smtp.ratelimit.ClientBudget budget) {
        this.budget = budget;
        return this;
    }

    private org.mailforge.smtp.spi.ClientScreening screening = org.mailforge.smtp.spi.ClientScreening.PASS;
    /** RCPT from an unauthenticated client, after verification: null takes it. */
    private Function<org.mailforge.smtp.spi.InboundRecipient, Reply> envelopes = recipient -> null;
    /** The recipients the listener was asked to screen. */
    final List<org.mailforge.smtp.spi.InboundRecipient> screened = new ArrayList<>();

    /** What the application said of the client at connect (its refusal, its score). */
    ScriptedSession screenedAs(org.mailforge.smtp.spi.ClientScreening clientScreening) {
        this.screening = clientScreening;
        return this;
    }

    /** How the listener answers the screening of recipients (greylisting). */
    ScriptedSession screeningRecipients(Function<org.mailforge.smtp.spi.InboundRecipient, Reply> verdict) {
        this.envelopes = verdict;
        return this;
    }

    ScriptedSession holding(List<org.mailforge.smtp.spi.HeldMail> mail) {
        this.held = mail;
        return this;
    }

    ScriptedSession(SmtpSettings settings) {
        this.settings = settings;
    }

    static ScriptedSession withDefaults(Path spool) {
        return new ScriptedSession(settings(spool, false, true));
    }

    /** A server that requires AUTH before MAIL (SMTP_ENABLE_AUTH=true). */
    static ScriptedSession requiringAuth(Path spool) {
        return new ScriptedSession(settings(spool, true, true));
    }

    /** A server without outbound delivery: nobody may send to other domains. */
    static ScriptedSession withoutRelay(Path spool) {
        return new ScriptedSession(settings(spool, false, false));
    }

    /** A server whose Received: header names the authenticated login (SMTP_RECEIVED_SHOW_LOGIN=true). */
    static ScriptedSession showingLogins(Path spool) {
        return new ScriptedSession(settings(spool, false, true, true));
    }

    private static SmtpSettings settings(Path spool, boolean authRequired, boolean relayEnabled) {
        return settings(spool, authRequired, relayEnabled, false);
    }

    private static SmtpSettings settings(Path spool, boolean authRequired, boolean relayEnabled, boolean showLogins) {
        return settings(spool, authRequired, relayEnabled, showLogins, false);
    }

    private static SmtpSettings settings(Path spool, boolean authRequired, boolean relayEnabled, boolean showLogins,
            boolean senderLoginMatch) {
        return new SmtpSettings("mx.example.test", java.util.Set.of("example.test", "localhost"),
                10_000, 3, java.time.Duration.ofMinutes(5), java.time.Duration.ofMinutes(30), 10, 1024, spool,
                authRequired, relayEnabled, false, 3600, showLogins, senderLoginMatch);
    }

    /** A submission listener: AUTH before MAIL, and senders must belong to the login ({@link #OWN_ADDRESS}). */
    static ScriptedSession submission(Path spool) {
        return new ScriptedSession(settings(spool, true, true, false, true));
    }

    /** The one address the scripted listener lets {@link #USER} send from. */
    static final String OWN_ADDRESS = "alice@example.test";

    /** Credentials the scripted listener accepts: alice / "s3cret pass"; user "busy" fails temporarily. */
    static final String USER = "alice";
    static final String PASSWORD = "s3cret pass";

    ScriptedSession verifyingRecipients(Function<String, Reply> verdict) {
        this.recipients = verdict;
        return this;
    }

    ScriptedSession answering(Function<InboundMessage, Reply> listenerAnswer) {
        this.answer = listenerAnswer;
        return this;
    }

    ScriptedSession run(String script) {
        return run(script.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Runs the script as one block of octets, as a pipelining client sends it, and once more fed
     * one octet per read (a client, or a network, that cuts everything into the smallest pieces):
     * both must give the same replies and the same messages, so no reply or message depends on
     * where a read happens to end (a line ending, "CRLF.CRLF" or a BDAT chunk split across reads).
     * A session whose clock or rate budget the test keeps is run once: a second run would change them.
     */
    ScriptedSession run(byte[] script) {
        if (!clock.equals(Clock.systemUTC()) || budget != org.mailforge.smtp.ratelimit.ClientBudget.UNLIMITED) {
            return run(new ByteArrayInputStream(script));
        }
        ScriptedSession octetByOctet = copy().run(new OneOctetPerRead(script));
        run(new ByteArrayInputStream(script));
        String given = "fed one octet per read:\n" + octetByOctet.output + "\nfed at once:\n" + output;
        org.junit.jupiter.api.Assertions.assertEquals(withoutIds(output), withoutIds(octetByOctet.output), given);
        org.junit.jupiter.api.Assertions.assertEquals(delivered.size(), octetByOctet.delivered.size(), given);
        for (int i = 0; i < delivered.size(); i++) {
            org.junit.jupiter.api.Assertions.assertEquals(withoutTrace(delivered.get(i)), withoutTrace(octetByOctet.delivered.get(i)),
                    "message " + i + " " + given);
        }
        return this;
    }

    /** A session like this one, with its own records: the same settings and answers. */
    private ScriptedSession copy() {
        ScriptedSession copy = new ScriptedSession(settings);
        copy.answer = answer;
        copy.recipients = recipients;
        copy.screening = screening;
        copy.envelopes = envelopes;
        copy.held = held;
        return copy;
    }

    /** The session's and transaction's ids (eighteen characters of SessionIds' alphabet, "-n" for the n-th) differ between runs. */
    private static String withoutIds(String text) {
        return text.replaceAll("\\b[0-9BCDFGHJKLMNPQRSTVWXYZ]{18}(-\\d+)?\\b", "<id>");
    }

    /** A message's content without the Received: field we add (its id and time differ between runs). */
    private static String withoutTrace(Delivered message) {
        String text = message.text();
        if (text.startsWith("Received: ")) {
            int end = text.indexOf("\r\n");
            while (end >= 0 && end + 2 < text.length() && (text.charAt(end + 2) == '\t' || text.charAt(end + 2) == ' ')) {
                end = text.indexOf("\r\n", end + 2);
            }
            text = end < 0 ? text : text.substring(end + 2);
        }
        return withoutIds(message.message().reversePath() + " " + message.message().recipients() + "\n" + text);
    }

    /** Gives at most one octet per read, as a client that writes one octet per packet is read. */
    private static final class OneOctetPerRead extends ByteArrayInputStream {
        OneOctetPerRead(byte[] script) {
            super(script);
        }

        @Override
        public synchronized int read(byte[] buffer, int offset, int length) {
            return super.read(buffer, offset, Math.min(length, 1));
        }

        @Override
        public synchronized int available() {
            return Math.min(1, super.available());
        }
    }

    /** The listener this script talks to: it records deliveries and answers as configured. */
    SmtpMessageListener listenerForTests() {
        return new SmtpMessageListener() {
            @Override
            public Reply deliver(InboundMessage message) {
                try (InputStream content = message.content().openStream()) {
                    delivered.add(new Delivered(message, content.readAllBytes()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return answer.apply(message);
            }

            @Override
            public Reply verifyRecipient(String address) {
                verified.add(address);
                return recipients.apply(address);
            }

            @Override
            public Reply screenRecipient(org.mailforge.smtp.spi.InboundRecipient recipient) {
                screened.add(recipient);
                return envelopes.apply(recipient);
            }

            @Override
            public Reply verifySender(String user, String address) {
                sendersVerified.add(user + " as " + address);
                return address.equalsIgnoreCase(OWN_ADDRESS) ? null
                        : Reply.of(553, "5.7.1", "<" + address + ">: Sender address rejected: not owned by user " + user);
            }

            @Override
            public Reply startQueueRun(String domain) {
                queueRuns.add(domain);
                return Reply.of(250, "2.0.0", "Queuing started for " + domain);
            }

            @Override
            public org.mailforge.smtp.spi.TurnResult turn(String user, List<String> domains) {
                if (!domains.equals(List.of("held.example"))) {
                    return org.mailforge.smtp.spi.TurnResult.refused(Reply.of(450, "4.7.1", "not yours"));
                }
                return org.mailforge.smtp.spi.TurnResult.deliver(held);
            }

            @Override
            public void refused(List<org.mailforge.smtp.spi.Refusal> refusals) {
                refused.addAll(refusals);
            }

            @Override
            public void turned(String id, List<org.mailforge.smtp.spi.RecipientReply> results) {
                turned.put(id, results);
            }

            @Override
            public AuthenticationResult authenticate(String username, char[] password) {
                passwordsSeen.add(password);
                if (username.equals("busy")) {
                    return AuthenticationResult.temporaryFailure();
                }
                return username.equals(USER) && new String(password).equals(PASSWORD)
                        ? AuthenticationResult.success(USER) : AuthenticationResult.failure();
            }
        };
    }

    ScriptedSession run(InputStream in) {
        SmtpMessageListener listener = listenerForTests();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            new SmtpSession(settings, CommandRegistry.standard(), listener, new ClientInfo("192.0.2.7", null, budget, screening),
                    in, out, clock).run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        output = out.toString(StandardCharsets.UTF_8);
        return this;
    }

    /** The replies, one string per reply line, CRLF removed. */
    List<String> lines() {
        return Arrays.asList(output.split("\r\n"));
    }

    /** The first line of each reply (multi-line replies folded), so indexes match the commands. */
    List<String> replies() {
        List<String> replies = new ArrayList<>();
        for (String line : lines()) {
            if (line.length() >= 4 && line.charAt(3) == '-') {
                continue;
            }
            replies.add(line);
        }
        return replies;
    }

    /** The code of each reply, in order. */
    List<Integer> codes() {
        return replies().stream().map(reply -> Integer.parseInt(reply.substring(0, 3))).toList();
    }

    String raw() {
        return output;
    }
}
