package org.mailforge.it;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A destination SMTP server the tests control, on 127.0.0.1: written independently of the
 * server's own engine so it can judge the outbound client. It answers each RCPT from a per-
 * recipient script (e.g. "451, then 250") and records every message it accepted.
 */
final class SmtpSink implements AutoCloseable {

    /** A message as the sink received it; {@code tls} is the protocol after STARTTLS, or null. */
    /** One accepted message: envelope, content, the TLS protocol (null: plain) and the client's EHLO/HELO name. */
    record Received(String mailFrom, List<String> recipients, String content, String tls, String helo) {
    }

    private final ServerSocket server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    private volatile Function<String, List<String>> script = r -> List.of();
    private volatile java.util.concurrent.CountDownLatch holdEndOfData;
    private final AtomicInteger dataSeen = new AtomicInteger();
    private final javax.net.ssl.SSLContext tls;

    SmtpSink(int port) throws IOException {
        this(port, null);
    }

    /** A sink that offers STARTTLS with this context (null: no STARTTLS). */
    SmtpSink(int port, javax.net.ssl.SSLContext tls) throws IOException {
        this(InetAddress.getLoopbackAddress(), port, tls);
    }

    /** A sink on another loopback address (127.0.0.2 ...): a second MX host on the same port, with its own certificate. */
    SmtpSink(InetAddress address, int port, javax.net.ssl.SSLContext tls) throws IOException {
        this.tls = tls;
        server = new ServerSocket(port, 50, address);
        Thread acceptor = new Thread(this::accept, "smtp-sink");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A sink without a listening socket: it only serves connections it is handed ({@link #serve(InputStream, OutputStream)}). */
    SmtpSink() {
        server = null;
        tls = null;
    }

    /** TLS with the integration tests' certificate (src/it/tls), for a sink that offers STARTTLS. */
    static javax.net.ssl.SSLContext testCertificate() throws Exception {
        java.nio.file.Path folder = java.nio.file.Path.of("src/it/tls");
        String key = java.nio.file.Files.readString(folder.resolve("key.pem")).replaceAll("-----[A-Z ]+-----|\\s", "");
        java.security.PrivateKey privateKey = java.security.KeyFactory.getInstance("RSA")
                .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(java.util.Base64.getDecoder().decode(key)));
        java.security.cert.Certificate certificate;
        try (InputStream in = java.nio.file.Files.newInputStream(folder.resolve("cert.pem"))) {
            certificate = java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("sink", privateKey, new char[0], new java.security.cert.Certificate[] {certificate});
        javax.net.ssl.KeyManagerFactory keys = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, new char[0]);
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    /**
     * How RCPT is answered: for a recipient, the replies of successive attempts; after the last,
     * the last repeats. An empty list means always {@code 250 2.1.5 Ok}.
     */
    void script(Function<String, List<String>> replies) {
        this.script = replies;
    }

    /** Until the latch opens, every end of data is received but not answered (a stalled peer). */
    void holdEndOfData(java.util.concurrent.CountDownLatch latch) {
        this.holdEndOfData = latch;
    }

    /** How many messages came in completely, answered or not. */
    int dataSeen() {
        return dataSeen.get();
    }

    List<Received> received() {
        return Collections.unmodifiableList(received);
    }

    List<Received> receivedFor(String recipient) {
        return received.stream().filter(r -> r.recipients().contains(recipient)).toList();
    }

    List<String> commands() {
        return commands;
    }

    int attempts(String recipient) {
        AtomicInteger count = attempts.get(recipient);
        return count == null ? 0 : count.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Thread session = new Thread(() -> serve(socket), "smtp-sink-session");
                session.setDaemon(true);
                session.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setSoTimeout(30_000);
            Socket current = socket;
            String protocol = null;
            while (converse(new BufferedInputStream(current.getInputStream()), current.getOutputStream(), protocol)) {
                javax.net.ssl.SSLSocket secured = (javax.net.ssl.SSLSocket) tls.getSocketFactory()
                        .createSocket(current, null, current.getPort(), true);
                secured.setUseClientMode(false);
                secured.startHandshake();
                current = secured;
                protocol = secured.getSession().getProtocol();
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    /** Plays the server side of one conversation over the streams (also used for ATRN). */
    void serve(InputStream in, OutputStream out) throws IOException {
        converse(in, out, null);
    }

    /**
     * One conversation, greeting first unless it continues after STARTTLS ({@code protocol} set);
     * true when the client asked for STARTTLS and the handshake is next.
     */
    private boolean converse(InputStream in, OutputStream out, String protocol) throws IOException {
        if (protocol == null) {
            write(out, "220 sink.test ESMTP test sink");
        }
        String mailFrom = null;
        String helo = null;
        List<String> recipients = new ArrayList<>();
        String line;
        while ((line = SmtpConnection.readLine(in)) != null) {
            commands.add(line);
            String upper = line.toUpperCase();
            if (upper.startsWith("EHLO") || upper.startsWith("HELO")) {
                helo = line.length() > 5 ? line.substring(5).strip() : "";
            }
            if (upper.startsWith("EHLO")) {
                write(out, "250-sink.test\r\n250-PIPELINING\r\n250-SIZE 10485760\r\n250-8BITMIME\r\n"
                        + (tls != null && protocol == null ? "250-STARTTLS\r\n" : "") + "250 SMTPUTF8");
            } else if (upper.equals("STARTTLS") && tls != null && protocol == null) {
                write(out, "220 2.0.0 Ready to start TLS");
                return true;
            } else if (upper.startsWith("HELO")) {
                write(out, "250 sink.test");
            } else if (upper.startsWith("MAIL FROM:")) {
                mailFrom = line.substring(line.indexOf('<') + 1, line.indexOf('>'));
                recipients.clear();
                write(out, "250 2.1.0 Ok");
            } else if (upper.startsWith("RCPT TO:")) {
                String recipient = line.substring(line.indexOf('<') + 1, line.indexOf('>'));
                int attempt = attempts.computeIfAbsent(recipient, r -> new AtomicInteger()).incrementAndGet();
                List<String> replies = script.apply(recipient);
                String reply = replies.isEmpty() ? "250 2.1.5 Ok" : replies.get(Math.min(attempt, replies.size()) - 1);
                if (reply.startsWith("2")) {
                    recipients.add(recipient);
                }
                write(out, reply);
            } else if (upper.equals("DATA")) {
                if (recipients.isEmpty()) {
                    write(out, "554 5.5.1 Error: no valid recipients");
                    continue;
                }
                write(out, "354 End data with <CR><LF>.<CR><LF>");
                ByteArrayOutputStream content = new ByteArrayOutputStream();
                String text;
                while ((text = SmtpConnection.readLine(in)) != null && !text.equals(".")) {
                    content.writeBytes((text.startsWith(".") ? text.substring(1) : text).getBytes(StandardCharsets.UTF_8));
                    content.writeBytes(new byte[] {'\r', '\n'});
                }
                received.add(new Received(mailFrom, List.copyOf(recipients), content.toString(StandardCharsets.UTF_8), protocol, helo));
                dataSeen.incrementAndGet();
                java.util.concurrent.CountDownLatch hold = holdEndOfData;
                if (hold != null) {
                    try {
                        hold.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                }
                write(out, "250 2.0.0 Ok: queued by sink");
            } else if (upper.equals("RSET")) {
                recipients.clear();
                write(out, "250 2.0.0 Ok");
            } else if (upper.equals("QUIT")) {
                write(out, "221 2.0.0 Bye");
                return false;
            } else {
                write(out, "502 5.5.1 Error: command not implemented");
            }
        }
        return false;
    }

    private static void write(OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        if (server != null) {
            server.close();
        }
    }
}
