package org.mailforge.infrastructure.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailforge.domain.mail.Folder;
import org.mailforge.domain.mail.StoredLocation;
import org.mailforge.application.config.S3Configuration;
import org.mailforge.smtp.spi.MessageContent;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/** The S3 store, and the queue's content in S3, against a real S3-compatible server (s3proxy) on 127.0.0.1. */
class S3MailStoreTest {

    private static final long MIB = 1024 * 1024;
    private static final Clock DAY = Clock.fixed(Instant.parse("2025-10-20T10:30:00Z"), ZoneOffset.UTC);

    @TempDir
    static Path folder;

    private static S3ProxyServer server;
    private static S3Client reader;

    @BeforeAll
    static void startS3() throws Exception {
        server = new S3ProxyServer(S3ProxyServer.freePort(), folder).start();
        reader = server.client();
        reader.createBucket(b -> b.bucket("mail"));
    }

    @AfterAll
    static void stopS3() throws Exception {
        reader.close();
        server.close();
    }

    private static S3Configuration configuration(String bucket, URI endpoint) {
        return new S3Configuration(bucket, "us-east-1", S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY, endpoint, true,
                5 * MIB, 5 * MIB);
    }

    private static byte[] object(String key) {
        return reader.getObjectAsBytes(get -> get.bucket("mail").key(key)).asByteArray();
    }

    private static byte[] stored(String returnPath, byte[] message) {
        byte[] header = ("Return-Path: <" + returnPath + ">\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[header.length + message.length];
        System.arraycopy(header, 0, all, 0, header.length);
        System.arraycopy(message, 0, all, header.length, message.length);
        return all;
    }

    @Test
    void storesUnderTheDayAndAMessageIdAndDeletes() throws Exception {
        try (S3MailStore store = S3MailStore.connect(configuration("mail", server.endpoint()), DAY)) {
            store.checkAvailable();
            byte[] message = "Subject: s3\r\n\r\nFrom the bucket\r\n.\r\n".getBytes(StandardCharsets.US_ASCII);
            StoredLocation location = store.store("bob@example.test", "a@example.org", MessageContent.of(message));
            assertTrue(location.key().matches("2025/10/20/msg_[a-z0-9]{16}\\.eml"), location.key());
            assertArrayEquals(stored("a@example.org", message), object(location.key()));
            assertEquals(location.size(), object(location.key()).length);
            assertEquals("message/rfc822", reader.headObject(h -> h.bucket("mail").key(location.key())).contentType());

            StoredLocation junk = store.store("bob@example.test", Folder.JUNK, "", MessageContent.of(message));
            assertTrue(junk.key().startsWith("Junk/2025/10/20/"), junk.key());

            store.remove(location);
            assertThrows(NoSuchKeyException.class, () -> object(location.key()));
            assertEquals(List.of(), store.problems());
        }
    }

    @Test
    void largeMessagesGoUpInPartsAndArriveExactly() throws Exception {
        byte[] message = new byte[(int) (12 * MIB + 12345)];
        new Random(7).nextBytes(message);
        try (S3MailStore store = S3MailStore.connect(configuration("mail", server.endpoint()), DAY)) {
            StoredLocation location = store.store("bob@example.test", "a@example.org", MessageContent.of(message));
            assertArrayEquals(stored("a@example.org", message), object(location.key()));
            String etag = reader.headObject(h -> h.bucket("mail").key(location.key())).eTag();
            assertTrue(etag.endsWith("-3\""), "uploaded in three parts: " + etag);
        }
        assertEquals(0, reader.listMultipartUploads(l -> l.bucket("mail")).uploads().size(), "no upload left open");
    }

    @Test
    void queuedContentIsFetchedOnceWhenSmallAndStreamedWhenLarge() throws Exception {
        try (S3Objects bucket = S3Objects.connect(configuration("mail", server.endpoint()))) {
            S3QueueSpool spool = new S3QueueSpool(bucket);
            byte[] small = "Subject: queued\r\n\r\nread by one GET\r\n".getBytes(StandardCharsets.US_ASCII);
            String smallKey = spool.write("q-small", MessageContent.of(small));
            MessageContent opened = spool.open(smallKey);
            reader.deleteObject(d -> d.bucket("mail").key(smallKey)); // gone from the bucket: only a copy read at open still serves
            assertEquals(small.length, opened.size());
            for (int read = 0; read < 2; read++) { // a delivery reads its content more than once
                try (var in = opened.openStream()) {
                    assertArrayEquals(small, in.readAllBytes());
                }
            }

            byte[] large = new byte[S3Objects.READ_WHOLE_LIMIT + 1];
            new Random(11).nextBytes(large);
            String largeKey = spool.write("q-large", MessageContent.of(large));
            MessageContent streamed = spool.open(largeKey);
            assertEquals(large.length, streamed.size());
            try (var in = streamed.openStream()) {
                assertArrayEquals(large, in.readAllBytes());
            }
            reader.deleteObject(d -> d.bucket("mail").key(largeKey)); // not held in memory: each read is a GET of its own
            assertThrows(IOException.class, streamed::openStream);

            IOException missing = assertThrows(IOException.class, () -> spool.open("queue/no-such-entry.eml"));
            assertTrue(missing.getMessage().contains("did not return queue/no-such-entry.eml"), missing.getMessage());
        }
    }

    @Test
    void anUnreachableStoreFailsTheDeliveryAndIsReported() throws Exception {
        URI nobody = URI.create("http://127.0.0.1:" + S3ProxyServer.freePort());
        try (S3MailStore store = S3MailStore.connect(configuration("mail", nobody), DAY)) {
            store.checkAvailable(); // only a warning: mail waits with 451 until the store answers
            IOException failure = assertThrows(IOException.class,
                    () -> store.store("bob@example.test", "a@example.org", MessageContent.of(new byte[] {'x'})));
            assertTrue(failure.getMessage().startsWith("S3 s3://mail at " + nobody), failure.getMessage());
            assertEquals(java.util.List.of("S3 storage unavailable (details in the server log)"), store.problems(),
                    "/health is public: no endpoint, bucket or exception text");
        }
    }

    @Test
    void aMissingBucketOrWrongKeysStopStartUp() {
        try (S3MailStore store = S3MailStore.connect(configuration("no-such-bucket", server.endpoint()), DAY)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, store::checkAvailable);
            assertTrue(e.getMessage().startsWith("SMTP_S3_BUCKET: no bucket 'no-such-bucket'"), e.getMessage());
        }
        S3Configuration wrongKeys = new S3Configuration("mail", "us-east-1", "intruder", "guess", server.endpoint(), true, 5 * MIB, 5 * MIB);
        try (S3MailStore store = S3MailStore.connect(wrongKeys, DAY)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, store::checkAvailable);
            assertTrue(e.getMessage().contains("refused SMTP_S3_ACCESS_KEY/SMTP_S3_SECRET_KEY"), e.getMessage());
        }
    }
}
