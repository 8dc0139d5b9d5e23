package org.mailforge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * SMTP_STORAGE_TYPE=timeseries: files under yyyy/mm/dd found through the index with SQL and read
 * as plain files (the encrypted variant is PostgresServerIT's).
 */
class TimeSeriesStorageIT extends StorageBackendContract {

    TimeSeriesStorageIT() {
        super("mailforgeTimeSeries", TestPorts.port(1125), TestPorts.port(1180));
    }

    @Override
    List<String> environment() {
        return List.of("SMTP_STORAGE_TYPE=timeseries");
    }

    @Override
    List<byte[]> read(String mailbox) throws Exception {
        return readThroughIndex(mailbox, key -> Files.readAllBytes(backend().mail().resolve(key)));
    }

    /** The staging folder is a file: no message can be written. */
    @Override
    AutoCloseable breakStorage(String mailbox) throws Exception {
        Path staging = backend().mail().resolve(".tmp");
        ExtraServer.deleteTree(staging);
        Files.createFile(staging);
        return () -> Files.delete(staging);
    }

    @Test
    void everyFileIsIndexedAndNoneIsLeftInStaging() throws Exception {
        long indexed = deliverAndCountIndexed();
        long files;
        try (Stream<Path> tree = Files.walk(backend().mail())) {
            files = tree.filter(f -> f.getFileName().toString().endsWith(".eml")).count();
        }
        assertEquals(indexed, files, "no orphan files, no dangling index rows");
        if (Files.isDirectory(backend().mail().resolve(".tmp"))) {
            try (Stream<Path> staging = Files.list(backend().mail().resolve(".tmp"))) {
                assertEquals(0, staging.count());
            }
        }
    }

    /** The index no longer lists them: their files must be gone too. */
    @Override
    boolean anyMailLeft(String mailbox, List<String> keys) {
        return keys.stream().anyMatch(key -> Files.exists(backend().mail().resolve(key)));
    }
}
