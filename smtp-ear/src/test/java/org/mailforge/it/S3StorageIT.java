package org.mailforge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.mailforge.infrastructure.storage.S3ProxyServer;

import software.amazon.awssdk.services.s3.S3Client;

/**
 * SMTP_STORAGE_TYPE=s3 against a real S3-compatible server (s3proxy from Maven Central, started by
 * the test on 127.0.0.1), read back with the AWS SDK. The fault is the S3 server going away.
 */
class S3StorageIT extends StorageBackendContract {

    static final int S3_PORT = TestPorts.port(1390);
    static final String BUCKET = "mailforge-it";

    private S3ProxyServer s3;
    private S3Client reader;

    S3StorageIT() {
        super("mailforgeS3", TestPorts.port(1325), TestPorts.port(1380));
    }

    @Override
    void beforeServer() throws Exception {
        Path folder = TestServer.DATA.resolveSibling("it-s3");
        ExtraServer.deleteTree(folder);
        s3 = new S3ProxyServer(S3_PORT, folder).start();
        reader = s3.client();
        reader.createBucket(create -> create.bucket(BUCKET));
    }

    @Override
    void afterServer() throws Exception {
        if (reader != null) {
            reader.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    @Override
    List<String> environment() {
        return List.of(
                "SMTP_STORAGE_TYPE=s3",
                "SMTP_S3_BUCKET=" + BUCKET,
                "SMTP_S3_ENDPOINT=" + s3.endpoint(),
                "SMTP_S3_ACCESS_KEY=" + S3ProxyServer.ACCESS_KEY,
                "SMTP_S3_SECRET_KEY=" + S3ProxyServer.SECRET_KEY);
    }

    @Override
    List<byte[]> read(String mailbox) throws Exception {
        return readThroughIndex(mailbox, key -> reader.getObjectAsBytes(get -> get.bucket(BUCKET).key(key)).asByteArray());
    }

    @Override
    AutoCloseable breakStorage(String mailbox) throws Exception {
        s3.stop();
        return s3::start;
    }

    @Test
    void everyObjectIsIndexedAndNoUploadIsLeftOpen() throws Exception {
        long indexed = deliverAndCountIndexed();
        long objects = reader.listObjectsV2Paginator(list -> list.bucket(BUCKET)).contents().stream()
                .filter(object -> !object.key().endsWith("/")) // s3proxy's file system lists its folders too
                .count();
        assertEquals(indexed, objects, "no orphan objects, no dangling index rows");
        assertEquals(0, reader.listMultipartUploads(list -> list.bucket(BUCKET)).uploads().size());
    }

    @Test
    void healthReportsTheBucket() throws Exception {
        // healthy again within the five seconds the store remembers an answer (a test before may have stopped S3)
        var health = TestServer.get(backend().httpPort(), "/health");
        for (int i = 0; i < 30 && health.statusCode() != 200; i++) {
            Thread.sleep(500);
            health = TestServer.get(backend().httpPort(), "/health");
        }
        assertEquals(200, health.statusCode(), health.body());
        s3.stop();
        try {
            Thread.sleep(5_500); // the store asks S3 at most every five seconds
            health = TestServer.get(backend().httpPort(), "/health");
            assertEquals(503, health.statusCode(), health.body());
            assertTrue(health.body().contains("S3 storage unavailable (details in the server log)"), health.body());
            assertTrue(!health.body().contains(BUCKET) && !health.body().contains("Exception"),
                    "no configuration or exception text for unauthenticated callers: " + health.body());
        } finally {
            s3.start();
        }
    }

    /** The index no longer lists them: their objects must be gone too. */
    @Override
    boolean anyMailLeft(String mailbox, List<String> keys) {
        return keys.stream().anyMatch(key -> {
            try {
                reader.headObject(head -> head.bucket(BUCKET).key(key));
                return true;
            } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
                if (e.statusCode() == 404) {
                    return false;
                }
                throw e;
            }
        });
    }
}
