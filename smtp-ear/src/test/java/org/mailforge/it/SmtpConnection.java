package org.mailforge.it;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A raw SMTP client for tests that must control every byte on the wire. */
final class SmtpConnection implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    SmtpConnection(String host, int port) throws IOException {
        this(host, port, null);
    }

    /** A connection from the given local address (another loopback address, e.g. 127.0.0.2). */
    SmtpConnection(String host, int port, String from) throws IOException {
        socket = new Socket();
        if (from != null) {
            socket.bind(new java.net.InetSocketAddress(from, 0));
        }
        socket.connect(new java.net.InetSocketAddress(host, port), 10_000);
        socket.setSoTimeout(30_000);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /**
     * Waits up to this long for each reply from now on (30 s unless changed): the reply to the end
     * of the data may take as long as the store's own wait for a lock (RFC 5321 4.5.3.2.6 gives
     * a client 10 minutes there).
     */
    SmtpConnection patient(java.time.Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        return this;
    }

    /** The last line of the next reply, or null when the server closed the connection instead (or reset it). */
    String replyOrEnd() throws IOException {
        try {
            return reply();
        } catch (java.net.SocketException e) {
            return null;
        }
    }

    /** Reads one complete reply (all its lines) and returns its last line. */
    String reply() throws IOException {
        while (true) {
            String line = line();
            if (line == null) {
                return null;
            }
            if (line.length() < 4 || line.charAt(3) != '-') {
                return line;
            }
        }
    }

    private String line() throws IOException {
        return readLine(in);
    }

    /** One line without its CRLF (or bare LF); null at the end of the stream. Shared with {@link SmtpSink}. */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                String text = line.toString(StandardCharsets.UTF_8);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
    }

    /**
     * One unauthenticated message through DATA (the text already dot-stuffed, CRLF line ends);
     * fails the test unless the envelope is taken. Returns the reply to the final dot.
     */
    static String deliver(int port, String from, String to, String message) throws IOException {
        try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, port)) {
            smtp.reply();
            smtp.command("EHLO client.example");
            org.junit.jupiter.api.Assertions.assertEquals("250 2.1.0 Ok", smtp.command("MAIL FROM:<" + from + ">"));
            org.junit.jupiter.api.Assertions.assertEquals("250 2.1.5 Ok", smtp.command("RCPT TO:<" + to + ">"));
            smtp.command("DATA");
            smtp.send(message + ".\r\n");
            return smtp.reply();
        }
    }

    /**
     * One message submitted with AUTH PLAIN (the text without the final dot, CRLF line ends); fails
     * the test unless the login and the envelope are taken. Returns the reply to the final dot.
     */
    static String submit(int port, String user, String password, String from, String to, String message) throws IOException {
        try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, port)) {
            smtp.reply();
            smtp.command("EHLO client.example");
            String auth = smtp.command("AUTH PLAIN " + java.util.Base64.getEncoder().encodeToString(("\0" + user + "\0" + password)
                    .getBytes(StandardCharsets.UTF_8)));
            org.junit.jupiter.api.Assertions.assertTrue(auth.startsWith("235 "), auth);
            org.junit.jupiter.api.Assertions.assertEquals("250 2.1.0 Ok", smtp.command("MAIL FROM:<" + from + ">"));
            org.junit.jupiter.api.Assertions.assertEquals("250 2.1.5 Ok", smtp.command("RCPT TO:<" + to + ">"));
            smtp.command("DATA");
            return smtp.command(message + "\r\n.");
        }
    }

    /** A reply if one arrives within {@code wait}, else null (the connection stays usable). */
    String replyWithin(java.time.Duration wait) throws IOException {
        int before = socket.getSoTimeout();
        socket.setSoTimeout((int) wait.toMillis());
        try {
            return reply();
        } catch (java.net.SocketTimeoutException e) {
            return null;
        } finally {
            socket.setSoTimeout(before);
        }
    }

    String command(String command) throws IOException {
        send(command + "\r\n");
        return reply();
    }

    void send(String text) throws IOException {
        send(text.getBytes(StandardCharsets.UTF_8));
    }

    void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** The raw streams, for a test that turns the connection around (ATRN). */
    InputStream input() {
        return in;
    }

    OutputStream output() {
        return out;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
