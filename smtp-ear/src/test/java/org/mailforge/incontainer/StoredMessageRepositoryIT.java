package org.mailforge.incontainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Future;

import javax.naming.InitialContext;

import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.inject.spi.CDI;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.EmptyAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mailforge.application.inbound.LedgerWriter;
import org.mailforge.domain.mail.StoredLocation;
import org.mailforge.domain.mail.StoredMessage;
import org.mailforge.domain.mail.StoredMessageRepository;

/**
 * In the container: the delivery ledger's JDBC writer and the real persistence unit (EclipseLink
 * with the SQLite platform) on the server's SQLite datasource, under concurrent writers.
 */
@ExtendWith(ArquillianExtension.class)
class StoredMessageRepositoryIT {

    @Deployment
    static WebArchive deployment() {
        return ShrinkWrap.create(WebArchive.class, "mailforge-persistence-it.war")
                .addPackage("org.mailforge.infrastructure.persistence")
                // the settings catalogue, through which the platform selector reads SMTP_DB_URL
                .addPackage("org.mailforge.smtp.settings").addClass(org.mailforge.smtp.ratelimit.Cidr.class)
                .addClasses(StoredMessage.class, StoredLocation.class, StoredMessageRepository.class, LedgerWriter.class)
                .addAsResource("META-INF/persistence.xml")
                .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml");
    }

    @Test
    void concurrentWritersAllCommitAndPagesDoNotOverlap() throws Exception {
        // looked up explicitly: the test instance is not a CDI bean of this deployment
        StoredMessageRepository repository = CDI.current().select(StoredMessageRepository.class).get();
        LedgerWriter ledger = CDI.current().select(LedgerWriter.class).get();
        ManagedExecutorService executor = InitialContext.doLookup("java:comp/DefaultManagedExecutorService");
        String mailbox = "arquillian-" + System.nanoTime() + "@example.test";
        long before = repository.countAll();
        List<Future<?>> writes = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            int n = i;
            writes.add(executor.submit(() -> ledger.write(List.of(new StoredMessage(
                    new StoredLocation(mailbox, "new/" + n, 100 + n), "sender@example.org", "S" + n, Instant.now())))));
        }
        for (Future<?> write : writes) {
            write.get(); // SQLITE_BUSY or any other failure surfaces here
        }
        assertTrue(repository.countAll() >= before + 50);

        List<StoredMessage> all = repository.findByMailbox(mailbox, 0, 1000);
        assertEquals(50, all.size());
        List<StoredMessage> page = repository.findByMailbox(mailbox, 10, 15);
        assertEquals(15, page.size());
        assertEquals(all.subList(10, 25).stream().map(StoredMessage::getId).toList(),
                page.stream().map(StoredMessage::getId).toList());
        Set<Long> ids = new HashSet<>(all.stream().map(StoredMessage::getId).toList());
        assertEquals(50, ids.size(), "identity values come from SQLite's rowid and are unique");
    }

    @Test
    void aLedgerBatchKeepsEveryRowAndField() {
        StoredMessageRepository repository = CDI.current().select(StoredMessageRepository.class).get();
        LedgerWriter ledger = CDI.current().select(LedgerWriter.class).get();
        String mailbox = "batch-" + System.nanoTime() + "@example.test";
        Instant received = Instant.ofEpochMilli(1_796_000_000_123L);
        List<StoredMessage> batch = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            batch.add(new StoredMessage(new StoredLocation(mailbox, "new/" + i, 1000 + i), "from" + i + "@example.org",
                    "S" + i, received.plusMillis(i)));
        }
        ledger.write(batch);

        List<StoredMessage> read = repository.findByMailbox(mailbox, 0, 100);
        assertEquals(40, read.size());
        for (int i = 0; i < 40; i++) {
            StoredMessage m = read.get(i);
            assertEquals("new/" + i, m.getStorageKey());
            assertEquals(1000 + i, m.getSizeBytes());
            assertEquals("from" + i + "@example.org", m.getFromAddress());
            assertEquals("S" + i, m.getSessionId());
            assertEquals(received.plusMillis(i), m.getReceivedAt());
        }
    }
}
