package org.mailforge.smtp.protocol;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.mailforge.smtp.spi.MessageContent;

/**
 * Collects one message: in memory up to a threshold, then in a spool file, so a 50 MB message
 * costs a fixed amount of heap. {@link #close()} releases the spool file.
 */
public final class MessageBuffer extends OutputStream implements MessageContent {

    private final int memoryThreshold;
    private final Path spoolDirectory;
    private byte[] memory = new byte[4096];
    private int memoryLength;
    private Path spoolFile;
    private OutputStream spool;
    private long size;

    public MessageBuffer(int memoryThreshold, Path spoolDirectory) {
        this.memoryThreshold = memoryThreshold;
        this.spoolDirectory = spoolDirectory;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        if (spool == null && memoryLength + length > memoryThreshold) {
            spillToFile();
        }
        if (spool != null) {
            spool.write(bytes, offset, length);
        } else {
            if (memoryLength + length > memory.length) {
                memory = Arrays.copyOf(memory, Math.max(memory.length * 2, memoryLength + length));
            }
            System.arraycopy(bytes, offset, memory, memoryLength, length);
            memoryLength += length;
        }
        size += length;
    }

    private void spillToFile() throws IOException {
        Files.createDirectories(spoolDirectory);
        spoolFile = Files.createTempFile(spoolDirectory, "spool-", ".eml");
        spool = new BufferedOutputStream(Files.newOutputStream(spoolFile), 64 * 1024);
        spool.write(memory, 0, memoryLength);
        memory = null;
        memoryLength = 0;
    }

    /** Ends writing; the content can then be read. */
    @Override
    public void flush() throws IOException {
        if (spool != null) {
            spool.flush();
        }
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public InputStream openStream() throws IOException {
        flush();
        return spoolFile != null ? Files.newInputStream(spoolFile) : new ByteArrayInputStream(memory, 0, memoryLength);
    }

    @Override
    public void close() throws IOException {
        memory = null;
        if (spool != null) {
            try {
                spool.close();
            } finally {
                Files.deleteIfExists(spoolFile);
                spool = null;
            }
        }
    }
}
