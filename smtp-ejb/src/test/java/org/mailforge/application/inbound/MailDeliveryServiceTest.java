package org.mailforge.application.inbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.mailforge.application.config.ServerConfiguration;
import org.mailforge.application.directory.InMemoryDirectory;
import org.mailforge.application.directory.MailDirectory;
import org.mailforge.application.events.ServerEvents;
import org.mailforge.application.outbound.OutboundQueueService;
import org.mailforge.application.scanning.ContentScreening;
import org.mailforge.application.verification.AuthenticationResults;
import org.mailforge.application.verification.InboundAuthentication;
import org.mailforge.domain.mail.Delivery;
import org.mailforge.domain.mail.Folder;
import org.mailforge.domain.mail.MailStore;
import org.mailforge.domain.mail.MailboxRefusal;
import org.mailforge.domain.mail.StoredLocation;
import org.mailforge.domain.mail.StoredMessage;
import org.mailforge.domain.queue.QueuedMessage;
import org.mailforge.domain.user.User;
import org.mailforge.domain.user.UserRepository;
import org.mailforge.smtp.spi.InboundMessage;
import org.mailforge.smtp.spi.MessageContent;
import org.mailforge.smtp.spi.Reply;
import org.mailforge.application.metrics.MailMetrics;

/**
 * The delivery contract: 250 only when every local copy is stored and recorded; otherwise a 4xx
 * and nothing of the message left in any mailbox, and no quota promised.
 */
class MailDeliveryServiceTest {

    /** Mailboxes and what was stored and removed; a mailbox named in failOn refuses. */
    private final List<StoredLocation> stored = new ArrayList<>();
    private final List<StoredLocation> removed = new ArrayList<>();
    private final Map<String, IOException> failOn = new HashMap<>();
    private final List<List<StoredMessage>> recorded = new ArrayList<>();
    private final List<String> sentBy = new ArrayList<>();
    private final org.mailforge.application.trace.MemoryTraceStore traces = new org.mailforge.application.trace.MemoryTraceStore();
    private RuntimeException ledgerFailure;
    /** Mailboxes the store's server refuses (as Dovecot's LMTP does, per recipient), at RCPT and after data. */
    private final Map<String, MailboxRefusal> refusing = new HashMap<>();
    /** What went to the outbound queue, e.g. a notification to a remote sender; whether we vouched for (signed) each. */
    private final List<InboundMessage> queued = new ArrayList<>();
    private final List<Boolean> vouchedFor = new ArrayList<>();
    /** The folder and text of each stored copy. */
    private final List<String> storedTexts = new ArrayList<>();
    /** What the sender checks find; how many messages they were asked about. */
    private AuthenticationResults checkResults = results("pass", "none", null);
    /** The data of each event published. */
    private final List<Map<String, Object>> published = new ArrayList<>();
    /** Domains and aliases. */
    private final InMemoryDirectory directory = new InMemoryDirectory();
    private int checked;

    private final MailStore store = new MailStore() {
        @Override
        public Delivery storeAll(List<String> mailboxes, Folder folder, String returnPath, MessageContent content) throws IOException {
            List<String> taking = mailboxes.stream().filter(m -> !refusing.containsKey(m)).toList();
            List<MailboxRefusal> refused = mailboxes.stream().filter(refusing::containsKey).map(refusing::get).toList();
            return new Delivery(MailStore.super.storeAll(taking, folder, returnPath, content).stored(), refused);
        }

        @Override
        public Optional<MailboxRefusal> probe(String mailbox) {
            return Optional.ofNullable(refusing.get(mailbox));
        }

        @Override
        public StoredLocation store(String mailbox, Folder folder, String returnPath, MessageContent content) throws IOException {
            if (failOn.containsKey(mailbox)) {
                throw failOn.get(mailbox);
            }
            StoredLocation location = new StoredLocation(mailbox, "key-" + stored.size(), content.size());
            stored.add(location);
            try (java.io.InputStream in = content.openStream()) {
                storedTexts.add(folder + " " + new String(in.readAllBytes(), StandardCharsets.US_ASCII));
            }
            return location;
        }

        @Override
        public void checkAvailable() {
        }

        @Override
        public void removeMailbox(String mailbox) {
        }

        @Override
        public void remove(StoredLocation location) {
            removed.add(location);
        }
    };

    /** Users by address: alice has an account; everyone else none. */
    private static UserRepository users() {
        User alice = new User("alice", "alice@example.test", "$argon2id$x", 0, false, Instant.EPOCH);
        return (UserRepository) Proxy.newProxyInstance(UserRepository.class.getClassLoader(), new Class<?>[] {UserRepository.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("findByEmail")) {
                        return Optional.ofNullable(((String) args[0]).equalsIgnoreCase("alice@example.test") ? alice : null);
                    }
                    if (method.getName().equals("findByUsername")) {
                        return Optional.ofNullable(args[0].equals("alice") ? alice : null);
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private static AuthenticationResults results(String dmarc, String policy, String fromDomain) {
        return new AuthenticationResults(new AuthenticationResults.Spf("fail", "sender@example.org", "client.example", null), List.of(),
                new AuthenticationResults.Dmarc(dmarc, fromDomain, policy, null));
    }

    private MailDeliveryService service() {
        return service("report");
    }

    private MailDeliveryService service(String dmarcPolicy) {
        return service(dmarcPolicy, "reject", "true");
    }

    private MailDeliveryService service(String dmarcPolicy, String spoofPolicy, String senderLoginMatch) {
        ServerConfiguration configuration = ServerConfiguration.load(name -> Optional.ofNullable(Map.of(
                "SMTP_LOCAL_DOMAINS", "example.test", "SMTP_HOSTNAME", "mx.example.test", "SMTP_ADMIN_USERNAME", "admin",
                "SMTP_DMARC_POLICY", dmarcPolicy, "SMTP_LOCAL_SPOOF_POLICY", spoofPolicy,
                "SMTP_SENDER_LOGIN_MATCH", senderLoginMatch, "SMTP_MAX_FORWARDS", "3").get(name)));
        MailDeliveryService service = new MailDeliveryService();
        service.configuration = configuration;
        service.store = store;
        service.users = users();
        service.ledger = new DeliveryLedger() {
            @Override
            public void record(List<StoredMessage> delivered) {
                if (ledgerFailure != null) {
                    throw ledgerFailure;
                }
                recorded.add(delivered);
            }
        };
        service.metrics = new MailMetrics() {
            @Override
            public void accepted(long sizeBytes) {
            }

            @Override
            public void rejected() {
            }

            @Override
            public void processed(java.time.Duration duration) {
            }

            @Override
            public void authenticationResults(Map<String, List<String>> byMethod) {
            }

            @Override
            public void localSpoof(boolean rejected) {
            }
        };
        service.trace = new org.mailforge.application.trace.TraceLog(traces, configuration, service.metrics);
        service.guardrails = new org.mailforge.application.outbound.SendingGuardrails() {
            @Override
            public void sent(String login, String sender) {
                sentBy.add(login);
            }
        };
        service.events = new ServerEvents() {
            @Override
            public void publish(String event, Supplier<Map<String, Object>> data) {
                published.add(data.get());
            }
        };
        service.outbound = new OutboundQueueService() {
            @Override
            public List<QueuedMessage> enqueue(InboundMessage message, List<String> remoteRecipients, boolean vouched) {
                queued.add(message);
                vouchedFor.add(vouched);
                return List.of();
            }

            @Override
            public List<QueuedMessage> enqueueForwarded(InboundMessage message, List<String> outside, boolean vouched, String aliasDomain,
                    AuthenticationResults results) {
                return enqueue(message, outside, vouched);
            }

            @Override
            public void wake(List<QueuedMessage> entries) {
            }
        };
        service.screening = new ContentScreening() { // no scanners: every message as it came
            @Override
            public Outcome screen(InboundMessage message) {
                return new Accept(message.content(), Folder.INBOX, null);
            }
        };
        MailboxQuotas quotas = new MailboxQuotas();
        quotas.users = service.users;
        service.quotas = quotas;
        service.directory = new MailDirectory(directory, service.users, configuration);
        service.authentication = new InboundAuthentication((message, headers) -> {
            checked++;
            return checkResults;
        }, configuration, service.metrics, service.directory);
        SenderIdentity senders = new SenderIdentity();
        senders.users = service.users;
        senders.configuration = configuration;
        senders.directory = service.directory;
        service.senders = senders;
        return service;
    }

    private static InboundMessage message(String... recipients) {
        return new InboundMessage("s1", "192.0.2.1", "client.example", "sender@example.org", List.of(recipients),
                MessageContent.of("Subject: x\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII)), Instant.EPOCH, false, null, null);
    }

    /**
     * The sender checks get the header block of the message as it will be stored (a sender's own
     * spam verdict stripped), read once for the authors and every check (#38): the stripping's own
     * pass over the original and that one read, no more.
     */
    @Test
    void theSenderChecksShareOneReadOfTheStrippedHeaderBlock() {
        MailDeliveryService service = service();
        MessageContent content = MessageContent.of(("X-Spam-Status: No, a sender's own verdict\r\nFrom: a@example.org\r\n"
                + "Subject: x\r\n\r\nhello\r\n").getBytes(StandardCharsets.US_ASCII));
        int[] opens = {0};
        MessageContent counted = new MessageContent() {
            @Override
            public long size() {
                return content.size();
            }

            @Override
            public java.io.InputStream openStream() throws java.io.IOException {
                opens[0]++;
                return content.openStream();
            }
        };
        java.util.List<String> seen = new java.util.ArrayList<>();
        service.authentication = new InboundAuthentication((message, headers) -> {
            seen.add("reads " + opens[0] + ", subject " + headers.has("subject") + ", x-spam-status " + headers.has("x-spam-status"));
            return checkResults;
        }, service.configuration, service.metrics, service.directory);
        Reply reply = service.deliver(new InboundMessage("s1", "192.0.2.1", "client.example", "a@example.org", List.of("alice@example.test"),
                counted, Instant.EPOCH, false, null, null));
        assertEquals(250, reply.code(), reply.render());
        assertEquals(List.of("reads 2, subject true, x-spam-status false"), seen);
    }

    @Test
    void everyCopyStoredAndRecordedIsA250() {
        MailDeliveryService service = service();
        Reply reply = service.deliver(message("alice@example.test", "bob@example.test"));
        assertEquals(250, reply.code(), reply.render());
        assertEquals(List.of("alice@example.test", "bob@example.test"), stored.stream().map(StoredLocation::mailbox).toList());
        assertEquals(1, recorded.size());
        assertEquals(2, recorded.get(0).size());
        assertEquals(List.of(), removed);
        assertEquals(0, service.quotas.inFlight(), "no quota promise outlives the delivery");
    }

    @Test
    void aMailboxThatRefusesUndoesTheCopiesBeforeIt() {
        failOn.put("bob@example.test", new IOException("read-only file system"));
        MailDeliveryService service = service();
        Reply reply = service.deliver(message("alice@example.test", "bob@example.test"));
        assertEquals("451 4.3.0 Error: could not store message, try again later", reply.render().strip());
        assertEquals(stored, removed, "alice's copy is gone again");
        assertEquals(List.of(), recorded, "nothing recorded");
        assertEquals(0, service.quotas.inFlight());
    }

    @Test
    void aFullDiskIsSaidSo() {
        failOn.put("bob@example.test", new IOException("No space left on device"));
        Reply reply = service().deliver(message("alice@example.test", "bob@example.test"));
        assertEquals("452 4.3.1 Error: insufficient system storage, try again later", reply.render().strip());
        assertEquals(stored, removed);
    }

    @Test
    void aLedgerThatCannotCommitUndoesEveryCopy() {
        ledgerFailure = new IllegalStateException("database is locked");
        Reply reply = service().deliver(message("alice@example.test", "bob@example.test"));
        assertEquals(451, reply.code());
        assertEquals(2, stored.size());
        assertEquals(stored, removed, "both copies removed: a 4xx leaves nothing behind");
    }

    @Test
    void anAccountNamedTwiceGetsOneCopy() {
        Reply reply = service().deliver(message("alice@example.test", "ALICE@example.test"));
        assertEquals(250, reply.code());
        assertEquals(1, stored.size(), "one mailbox, one copy: " + stored);
        assertTrue(stored.get(0).mailbox().equals("alice@example.test"));
    }

    @Test
    void aRecipientTheStoresServerRefusesIsRefusedAtRcptForItselfOnly() {
        refusing.put("alice@example.test", new MailboxRefusal("alice@example.test", 552, "5.2.2",
                "<alice@example.test> Quota exceeded (mailbox for user is full)"));
        MailDeliveryService service = service();
        Reply refusal = service.verifyRecipient("sender@example.org", "Alice@example.test");
        assertEquals("552 5.2.2 <alice@example.test> Quota exceeded (mailbox for user is full)", refusal.render().strip(),
                "the store is asked about the account's mailbox and its reply reaches the client");
        assertEquals(null, service.verifyRecipient("sender@example.org", "postmaster@example.test"), "another mailbox is not refused");
    }

    @Test
    void whenEveryMailboxRefusesAfterDataTheClientHearsWhyAndNothingIsRecorded() {
        refusing.put("alice@example.test", new MailboxRefusal("alice@example.test", 552, "5.2.2", "<alice@example.test> Quota exceeded"));
        refusing.put("bob@example.test", new MailboxRefusal("bob@example.test", 451, "4.3.0", "<bob@example.test> Temporary internal error"));
        Reply reply = service().deliver(message("alice@example.test", "bob@example.test"));
        assertEquals("451 4.3.0 <bob@example.test> Temporary internal error", reply.render().strip(),
                "a temporary refusal wins, so the client tries again");
        assertEquals(List.of(), recorded);
        assertEquals(List.of(), queued, "no notification: the client itself was refused");
    }

    @Test
    void whenSomeMailboxesRefuseAfterDataThe250StandsAndTheSenderIsNotified() throws IOException {
        refusing.put("bob@example.test", new MailboxRefusal("bob@example.test", 552, "5.2.2", "<bob@example.test> Quota exceeded"));
        Reply reply = service().deliver(message("alice@example.test", "bob@example.test"));
        assertEquals(250, reply.code(), reply.render());
        assertEquals(List.of("alice@example.test"), recorded.get(0).stream().map(StoredMessage::getMailbox).toList());
        assertEquals(1, queued.size(), "a delivery status notification to the remote sender");
        InboundMessage report = queued.get(0);
        assertEquals("", report.reversePath(), "from the null sender, so it can never loop");
        assertEquals(List.of("sender@example.org"), report.recipients());
        String text = new String(report.content().openStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(text.contains("Final-Recipient: rfc822; bob@example.test"), text);
        assertTrue(text.contains("Status: 5.2.2"), text);
        assertTrue(text.contains("552 5.2.2 <bob@example.test> Quota exceeded"), text);
    }

    @Test
    void theChecksResultsLeadTheStoredMessageAndAForgedCopyNamingUsIsRemoved() {
        MailDeliveryService service = service("report");
        checkResults = results("fail", "reject", "bank.example");
        InboundMessage forged = new InboundMessage("s9", "192.0.2.1", "client.example", "sender@example.org", List.of("alice@example.test"),
                MessageContent.of(("Authentication-Results: mx.example.test; dmarc=pass header.from=bank.example\r\n"
                        + "From: x@bank.example\r\n\r\nhello\r\n").getBytes(StandardCharsets.US_ASCII)), Instant.EPOCH, false, null, null);
        assertEquals(250, service.deliver(forged).code(), "report: recorded only");
        assertEquals(1, storedTexts.size());
        assertEquals(List.of("fail", List.of("none"), "fail"), List.of(published.get(0).get("spf"), published.get(0).get("dkim"),
                published.get(0).get("dmarc")), "the webhook carries the results");
        assertEquals("INBOX Authentication-Results: mx.example.test;\r\n\tspf=fail smtp.mailfrom=sender@example.org;\r\n"
                + "\tdkim=none;\r\n\tdmarc=fail (p=reject) header.from=bank.example\r\nFrom: x@bank.example\r\n\r\nhello\r\n", storedTexts.get(0));
    }

    @Test
    void enforcedDmarcRefusesRejectFailuresAndFilesQuarantineFailuresInJunk() {
        MailDeliveryService service = service("enforce");
        checkResults = results("fail", "reject", "bank.example");
        Reply refused = service.deliver(message("alice@example.test"));
        assertEquals("550 5.7.1 Message rejected: it fails the DMARC policy of bank.example", refused.render().strip());
        assertTrue(stored.isEmpty(), "nothing stored");
        checkResults = results("fail", "quarantine", "bank.example");
        assertEquals(250, service.deliver(message("alice@example.test")).code());
        assertTrue(storedTexts.get(0).startsWith("JUNK Authentication-Results: mx.example.test;"), storedTexts.get(0));
        checkResults = results("pass", "reject", "bank.example");
        assertEquals(250, service.deliver(message("alice@example.test")).code());
        assertTrue(storedTexts.get(1).startsWith("INBOX "), storedTexts.get(1));
    }

    /**
     * A sender whose own domains answer slowly (its SPF record, DKIM keys) uses up the message's DNS
     * time before the From: domain's DMARC record is asked: under enforce a policy that could not be
     * read defers the message, so a spoof of a p=reject domain is not let through as temperror;
     * under report it is taken, marked temperror, as before.
     */
    @Test
    void enforcedDmarcDefersWhatItCouldNotCheck() {
        checkResults = results("temperror", null, "bank.example");
        Reply deferred = service("enforce").deliver(message("alice@example.test"));
        assertEquals("451 4.7.0 Error: the sender's DMARC policy cannot be checked now, try again later", deferred.render().strip());
        assertTrue(stored.isEmpty(), "nothing stored");
        assertEquals(250, service("report").deliver(message("alice@example.test")).code(), "the default takes it, marked temperror");
    }

    @Test
    void offChecksNothingAndOurOwnMessagesAndSubmissionsAreNotChecked() {
        MailDeliveryService off = service("off");
        assertEquals(250, off.deliver(message("alice@example.test")).code());
        assertEquals(0, checked);
        assertTrue(storedTexts.get(0).startsWith("INBOX Subject: x"), storedTexts.get(0));
        assertTrue(!published.get(0).containsKey("spf"), "nothing checked, nothing said");
        MailDeliveryService enforcing = service("enforce");
        checkResults = results("fail", "reject", "bank.example");
        assertEquals(250, enforcing.deliverOwn(message("alice@example.test")).code(), "a notification this server wrote");
        InboundMessage submitted = new InboundMessage("s2", "192.0.2.1", "client.example", "alice@example.test", List.of("alice@example.test"),
                MessageContent.of("Subject: x\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII)), Instant.EPOCH, false, "alice", null);
        assertEquals(250, enforcing.deliver(submitted).code(), "an authenticated session's mail");
        assertEquals(0, checked);
    }

    @Test
    void anAliasStoresOneCopyPerMailboxAndForwardsOutsideWithAnSrsSender() {
        directory.alias("sales@example.test", "alice@example.test", "ALICE@example.test", "partner@elsewhere.example");
        MailDeliveryService service = service();
        assertEquals(null, service.verifyRecipient("sender@example.org", "sales@example.test"));
        assertEquals(250, service.deliver(message("sales@example.test", "alice+orders@example.test")).code());
        assertEquals(List.of("alice@example.test"), stored.stream().map(StoredLocation::mailbox).toList(), "one copy for alice");
        assertEquals(1, queued.size());
        assertTrue(queued.get(0).reversePath().matches("SRS0=[A-Z2-7]{8}=[A-Z2-7]{2}=example\\.org=sender@mx\\.example\\.test"),
                queued.get(0).reversePath());
    }

    /** SMTP_MAX_FORWARDS (3 here): an alias beyond it is refused at RCPT, and several within it together at the end of data. */
    @Test
    void outsideCopiesPerMessageAreCapped() {
        directory.alias("big@example.test", "a@out.example", "b@out.example", "c@out.example", "d@out.example");
        directory.alias("two@example.test", "e@out.example", "f@out.example");
        directory.alias("more@example.test", "g@out.example", "h@out.example");
        MailDeliveryService service = service();
        assertEquals("550 5.7.1", service.verifyRecipient("x@evil.example", "big@example.test").code() + " "
                + service.verifyRecipient("x@evil.example", "big@example.test").status());
        assertEquals(null, service.verifyRecipient("x@evil.example", "two@example.test"));
        Reply refused = service.deliver(message("two@example.test", "more@example.test"));
        assertEquals(550, refused.code(), refused.render());
        assertTrue(queued.isEmpty() && stored.isEmpty(), "nothing queued or stored");
        assertEquals(250, service.deliver(message("two@example.test")).code());
    }

    /** An SRS address takes the bounces of the mail we forwarded, nothing else: its holder cannot relay through it. */
    @Test
    void anSrsAddressTakesBouncesOnly() {
        directory.alias("sales@example.test", "partner@elsewhere.example");
        MailDeliveryService service = service();
        assertEquals(250, service.deliver(message("sales@example.test")).code());
        String srs = queued.get(0).reversePath();
        assertEquals(null, service.verifyRecipient("", srs), "a bounce goes back to the original sender");
        Reply relay = service.verifyRecipient("anyone@anywhere.example", srs);
        assertEquals("550 5.7.1", relay.code() + " " + relay.status(), "a holder of the address cannot relay through it");
    }

    private static InboundMessage authored(String login, String envelope, String headers, String... recipients) {
        return new InboundMessage("s7", "192.0.2.1", "client.example", envelope, List.of(recipients),
                MessageContent.of((headers + "Subject: x\r\n\r\nhello\r\n").getBytes(StandardCharsets.US_ASCII)), Instant.EPOCH, false,
                login, null);
    }

    @Test
    void anAuthenticatedUserMaySignOnlyItsOwnAddressesInTheHeader() {
        MailDeliveryService service = service("off");
        for (String headers : List.of("From: CEO <ceo@example.test>\r\n", "From: alice@example.test\r\nFrom: ceo@example.test\r\n",
                "From: alice@example.test, ceo@example.test\r\n", "From: alice@example.test\r\nSender: ceo@example.test\r\n",
                "From: not an address at all\r\n")) {
            Reply refused = service.deliver(authored("alice", "alice@example.test", headers, "friend@remote.example"));
            assertEquals(550, refused.code(), headers + refused.render());
            assertEquals("5.7.1", refused.status(), headers);
        }
        assertTrue(queued.isEmpty() && stored.isEmpty(), "nothing queued, nothing stored");
        assertEquals(250, service.deliver(authored("alice", "alice@example.test", "From: Alice <Alice@Example.test>\r\n",
                "friend@remote.example")).code());
        assertEquals(List.of(true), vouchedFor, "its own address: signed");
        // SMTP_SENDER_LOGIN_MATCH=false lets it through, unsigned
        MailDeliveryService trusting = service("off", "reject", "false");
        assertEquals(250, trusting.deliver(authored("alice", "alice@example.test", "From: ceo@example.test\r\n", "friend@remote.example")).code());
        assertEquals(List.of(true, false), vouchedFor, "not vouched for: not signed");
    }

    @Test
    void unauthenticatedMailInTheNameOfALocalDomainIsASpoof() {
        for (String dmarc : List.of("off", "report")) {
            stored.clear();
            MailDeliveryService service = service(dmarc);
            Reply refused = service.deliver(authored(null, "x@evil.example", "From: CEO <ceo@example.test>\r\n", "alice@example.test"));
            assertEquals("550 5.7.1", refused.code() + " " + refused.status(), dmarc + ": " + refused.render());
            assertTrue(stored.isEmpty(), "nothing stored");
            // a valid signature of the domain (a list that kept our signature): taken
            checkResults = new AuthenticationResults(new AuthenticationResults.Spf("fail", "x@evil.example", "client.example", null),
                    List.of(new AuthenticationResults.Dkim("pass", "example.test", "s1", "rsa-sha256", "AAAA", null)),
                    new AuthenticationResults.Dmarc("pass", "example.test", "none", null));
            assertEquals(250, service.deliver(authored(null, "x@evil.example", "From: ceo@example.test\r\n", "alice@example.test")).code(),
                    dmarc);
            // our own signature that could not be checked (DNS failing): the message waits, it is not refused for good
            checkResults = new AuthenticationResults(new AuthenticationResults.Spf("temperror", "x@evil.example", "client.example", null),
                    List.of(new AuthenticationResults.Dkim("temperror", "example.test", "s1", "rsa-sha256", "AAAA", null)),
                    new AuthenticationResults.Dmarc("none", "example.test", null, null));
            Reply unchecked = service.deliver(authored(null, "x@evil.example", "From: ceo@example.test\r\n", "alice@example.test"));
            assertEquals("451 4.7.0", unchecked.code() + " " + unchecked.status(), dmarc + ": " + unchecked.render());
            checkResults = results("pass", "none", null);
        }
        // the ways around it the review found: unparsable, a trailing dot, a subdomain, Sender:, a group, past what is read
        MailDeliveryService strict = service("off");
        for (String headers : List.of("From: CEO <ceo@example.test>>\r\n", "From: CEO <ceo@example.test.>\r\n",
                "From: ceo@hr.example.test\r\n", "From: x@evil.example\r\nSender: ceo@example.test\r\n",
                "From: Staff: ceo@example.test;\r\n", "From: (unclosed ceo@example.test\r\n",
                ("X-Pad: " + "p".repeat(990) + "\r\n").repeat(70) + "From: ceo@example.test\r\n")) {
            Reply refused = strict.deliver(authored(null, "x@evil.example", headers, "alice@example.test"));
            assertEquals("550 5.7.1", refused.code() + " " + refused.status(), headers.length() > 300 ? "past 64 KiB" : headers);
        }
        // an unreadable From: that shows no domain of ours is no spoof of ours
        assertEquals(250, strict.deliver(authored(null, "x@evil.example", "From: root\r\n", "alice@example.test")).code());
        MailDeliveryService reporting = service("off", "report", "true");
        assertEquals(250, reporting.deliver(authored(null, "x@evil.example", "From: ceo@example.test\r\n", "alice@example.test",
                "friend@remote.example")).code(), "report: taken");
        assertEquals(List.of(false), vouchedFor, "and never signed as ours");
    }
}
