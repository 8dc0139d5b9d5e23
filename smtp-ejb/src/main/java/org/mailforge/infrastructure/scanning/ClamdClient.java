package org.mailforge.infrastructure.scanning;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.mailforge.application.scanning.ScannerUnavailableException;
import org.mailforge.application.scanning.VirusScanner;
import org.mailforge.application.scanning.VirusVerdict;
import org.mailforge.smtp.spi.MessageContent;

/**
 * clamd over TCP: {@code zINSTREAM} with the message in length-prefixed chunks (never the whole
 * message in memory), answered {@code stream: OK} or {@code stream: <signature> FOUND};
 * {@code zPING} for health.
 */
public final class ClamdClient implements VirusScanner {

    private static final int CHUNK = 64 * 1024;
    private static final int MAX_REPLY = 4096;

    private final DaemonConnections connections;

    public ClamdClient(String host, int port, Duration timeout, int maxConnections) {
        this.connections = new DaemonConnections("clamd", host, port, timeout, maxConnections);
    }

    @Override
    public VirusVerdict scan(MessageContent content) throws ScannerUnavailableException {
        String reply = connections.converse(socket -> {
            OutputStream out = socket.getOutputStream();
            out.write("zINSTREAM\0".getBytes(StandardCharsets.US_ASCII));
            byte[] buffer = new byte[CHUNK];
            try (InputStream in = content.openStream()) {
                int n;
                while ((n = in.readNBytes(buffer, 0, buffer.length)) > 0) {
                    out.write(ByteBuffer.allocate(4).putInt(n).array());
                    out.write(buffer, 0, n);
                }
            }
            out.write(new byte[4]); // a zero-length chunk ends the stream
            out.flush();
            return readReply(socket);
        });
        if (reply.endsWith(" FOUND")) {
            String signature = reply.substring(reply.indexOf(':') + 1, reply.length() - " FOUND".length()).strip();
            return new VirusVerdict(true, signature);
        }
        if (reply.endsWith(": OK")) {
            return VirusVerdict.CLEAN;
        }
        throw new ScannerUnavailableException("clamd at " + connections.describe() + " answered: " + reply);
    }

    @Override
    public boolean ping() {
        return connections.pings("zPING\0".getBytes(StandardCharsets.US_ASCII), false, ClamdClient::readReply);
    }

    @Override
    public String describe() {
        return "clamd at " + connections.describe();
    }

    /** A reply of the z-commands: text up to the NUL. */
    private static String readReply(Socket socket) throws IOException {
        return DaemonConnections.readReply(socket, 0, MAX_REPLY, StandardCharsets.US_ASCII).strip();
    }
}
