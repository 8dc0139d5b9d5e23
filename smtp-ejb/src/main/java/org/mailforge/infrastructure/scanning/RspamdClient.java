package org.mailforge.infrastructure.scanning;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.stream.JsonParser;

import org.mailforge.application.scanning.ScannerUnavailableException;
import org.mailforge.application.scanning.SpamScanner;
import org.mailforge.application.scanning.SpamVerdict;
import org.mailforge.smtp.spi.InboundMessage;
import org.mailforge.smtp.spi.MessageContent;

/**
 * rspamd over its HTTP protocol: {@code POST /checkv2} on the normal worker with the message and
 * the envelope in headers (IP, Helo, From, Rcpt, User, Queue-Id), so rspamd's SPF, DKIM, DMARC
 * and per-user rules see what we saw; its JSON answer's {@code action} decides. Learning goes to
 * the controller ({@code /learnspam}, {@code /learnham}), with its password when one is set.
 * HTTP/1.0 over the same bounded connections as spamd and clamd, one request per connection.
 *
 * <p>The answer is rspamd's word about a message, and it goes into the stored message's headers:
 * it is read as a stream (only {@code action}, {@code score}, {@code required_score} and the names
 * of {@code symbols} are kept, everything else is skipped unread into memory), at most
 * {@link #MAX_REPLY} octets and {@link #REPLY_DEADLINE} in all, and a symbol name that is not
 * {@code [A-Za-z0-9_.-]{1,64}} is left out, so no answer can write a header of its own.
 */
public final class RspamdClient implements SpamScanner {

    /** The most of an answer read (its URL and e-mail lists grow with the message). */
    static final long MAX_REPLY = 8L * 1024 * 1024;
    /** How long a whole answer may take to arrive, however it trickles. */
    static final Duration REPLY_DEADLINE = Duration.ofSeconds(60);
    private static final java.util.regex.Pattern SYMBOL = java.util.regex.Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final int MAX_SYMBOLS = 200;
    private static final int MAX_HEAD = 16 * 1024;

    private final DaemonConnections scanner;
    private final DaemonConnections controller;
    private final String password;

    /**
     * @param url           the normal worker, {@code http://host:port} (SMTP_RSPAMD_URL)
     * @param controllerUrl the controller, for learning (SMTP_RSPAMD_CONTROLLER_URL)
     * @param password      the controller's password, or null (SMTP_RSPAMD_PASSWORD)
     */
    public RspamdClient(URI url, URI controllerUrl, String password, Duration timeout, int maxConnections) {
        this.scanner = new DaemonConnections("rspamd", url.getHost(), port(url), timeout, maxConnections);
        this.controller = new DaemonConnections("rspamd controller", controllerUrl.getHost(), port(controllerUrl), timeout,
                maxConnections);
        this.password = password;
    }

    private static int port(URI url) {
        return url.getPort() > 0 ? url.getPort() : 80;
    }

    @Override
    public SpamVerdict check(MessageContent content) throws ScannerUnavailableException {
        return scanner.converse(socket -> parse(post(socket, "/checkv2", List.of(), content), scanner.describe()));
    }

    @Override
    public SpamVerdict check(InboundMessage message) throws ScannerUnavailableException {
        List<String> headers = new ArrayList<>();
        header(headers, "Queue-Id", message.sessionId());
        header(headers, "IP", message.clientAddress());
        header(headers, "Helo", message.heloName());
        header(headers, "From", message.reversePath().isEmpty() ? "<>" : message.reversePath());
        for (String recipient : message.recipients()) {
            header(headers, "Rcpt", recipient);
        }
        header(headers, "User", message.authenticatedUser());
        return scanner.converse(socket -> parse(post(socket, "/checkv2", headers, message.content()), scanner.describe()));
    }

    @Override
    public void learn(MessageContent content, boolean spam, String mailbox) throws ScannerUnavailableException {
        List<String> headers = new ArrayList<>();
        header(headers, "Password", password);
        header(headers, "Deliver-To", mailbox); // per-user statistics, where rspamd keeps them (per_user = true)
        int status = controller.converse(socket -> {
            InputStream answer = post(socket, spam ? "/learnspam" : "/learnham", headers, content);
            return status(answer);
        });
        // 208: rspamd learnt this very message before, which is what was asked
        if (status != 200 && status != 208) {
            throw new ScannerUnavailableException("rspamd controller at " + controller.describe() + " answered HTTP " + status);
        }
    }

    @Override
    public boolean learns() {
        return true;
    }

    /** Adds {@code name: value} when there is a value; a value can hold no line break (it comes from an SMTP client). */
    private static void header(List<String> headers, String name, String value) {
        if (value != null && !value.isEmpty()) {
            headers.add(name + ": " + value.replaceAll("[\\x00-\\x1f\\x7f]", "?"));
        }
    }

    /** Sends the request; the answer, bounded in size and time, with the reader at its status line. */
    private static InputStream post(Socket socket, String path, List<String> headers, MessageContent content) throws IOException {
        StringBuilder request = new StringBuilder(256).append("POST ").append(path).append(" HTTP/1.0\r\n")
                .append("Content-Length: ").append(content.size()).append("\r\n");
        headers.forEach(header -> request.append(header).append("\r\n"));
        OutputStream out = socket.getOutputStream();
        out.write(request.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
        content.writeTo(out);
        out.flush();
        return new BoundedAnswer(socket.getInputStream());
    }

    /** The HTTP status of an answer, read up to the end of its header block; -1 when it is not HTTP. */
    private static int status(InputStream answer) throws IOException {
        StringBuilder head = new StringBuilder();
        int b;
        while ((b = answer.read()) >= 0) {
            head.append((char) b);
            if (head.length() > MAX_HEAD) {
                throw new IOException("rspamd's answer has a header block of more than " + MAX_HEAD + " octets");
            }
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        String text = head.toString();
        return text.matches("(?s)HTTP/1\\.[01] [0-9]{3}( [^\r\n]*)?\r\n.*") ? Integer.parseInt(text.substring(9, 12)) : -1;
    }

    /** The verdict in a {@code /checkv2} answer (for tests: the whole answer as text). */
    static SpamVerdict parse(String reply, String where) throws ScannerUnavailableException {
        try {
            return parse(new ByteArrayInputStream(reply.getBytes(StandardCharsets.UTF_8)), where);
        } catch (IOException e) {
            throw new ScannerUnavailableException("rspamd at " + where + ": " + e.getMessage(), e);
        }
    }

    /** The verdict in a {@code /checkv2} answer read from its status line on. */
    private static SpamVerdict parse(InputStream answer, String where) throws IOException {
        int status = status(answer);
        if (status != 200) {
            throw new ScannerUnavailableException("rspamd at " + where + " answered HTTP " + status);
        }
        String action = null;
        double score = 0;
        double required = 0;
        List<String> symbols = new ArrayList<>();
        try (JsonParser json = Json.createParser(answer)) {
            if (!json.hasNext() || json.next() != JsonParser.Event.START_OBJECT) {
                throw new ScannerUnavailableException("rspamd at " + where + " sent no JSON object");
            }
            while (json.hasNext()) {
                JsonParser.Event event = json.next();
                if (event == JsonParser.Event.END_OBJECT) {
                    break;
                }
                String key = json.getString();
                JsonParser.Event value = json.next();
                switch (key) {
                    case "action" -> action = value == JsonParser.Event.VALUE_STRING ? json.getString() : null;
                    case "score" -> score = value == JsonParser.Event.VALUE_NUMBER ? json.getBigDecimal().doubleValue() : 0;
                    case "required_score" -> required = value == JsonParser.Event.VALUE_NUMBER ? json.getBigDecimal().doubleValue() : 0;
                    case "symbols" -> {
                        if (value == JsonParser.Event.START_OBJECT) {
                            readSymbols(json, symbols);
                        } else {
                            skip(json, value);
                        }
                    }
                    default -> skip(json, value);
                }
            }
        } catch (JsonException | IllegalStateException | java.util.NoSuchElementException e) {
            throw new ScannerUnavailableException("rspamd at " + where + " sent an answer that is not its JSON: " + e.getMessage(), e);
        }
        SpamVerdict.Action verdict = switch (action == null ? "" : action.toLowerCase(Locale.ROOT)) {
            case "reject" -> SpamVerdict.Action.REJECT;
            case "soft reject", "greylist" -> SpamVerdict.Action.DEFER;
            case "add header", "rewrite subject" -> SpamVerdict.Action.SPAM;
            case "no action" -> SpamVerdict.Action.NONE;
            default -> throw new ScannerUnavailableException("rspamd at " + where + " gave an unknown action: '"
                    + (action == null ? "" : action.replaceAll("[^ -~]", "?")) + "'");
        };
        symbols.sort(null);
        return new SpamVerdict(verdict == SpamVerdict.Action.SPAM || verdict == SpamVerdict.Action.REJECT, score, required,
                symbols, verdict);
    }

    /** The names of {@code symbols}: what a header may carry, at most {@link #MAX_SYMBOLS} of them; their values are skipped. */
    private static void readSymbols(JsonParser json, List<String> symbols) {
        while (json.hasNext()) {
            JsonParser.Event event = json.next();
            if (event == JsonParser.Event.END_OBJECT) {
                return;
            }
            String name = json.getString();
            if (symbols.size() < MAX_SYMBOLS && SYMBOL.matcher(name).matches()) {
                symbols.add(name);
            }
            skip(json, json.next());
        }
    }

    private static void skip(JsonParser json, JsonParser.Event value) {
        if (value == JsonParser.Event.START_OBJECT) {
            json.skipObject();
        } else if (value == JsonParser.Event.START_ARRAY) {
            json.skipArray();
        }
    }

    /** rspamd's answer: at most {@link #MAX_REPLY} octets, all of them within {@link #REPLY_DEADLINE}. */
    private static final class BoundedAnswer extends FilterInputStream {
        private final long deadline = System.nanoTime() + REPLY_DEADLINE.toNanos();
        private long read;

        BoundedAnswer(InputStream in) {
            super(new java.io.BufferedInputStream(in, 8192));
        }

        private void check(long more) throws IOException {
            read += Math.max(0, more);
            if (read > MAX_REPLY) {
                throw new IOException("rspamd's answer is longer than " + MAX_REPLY + " octets");
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("rspamd's answer took longer than " + REPLY_DEADLINE.toSeconds() + " s");
            }
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            check(b < 0 ? 0 : 1);
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            check(n);
            return n;
        }
    }

    /** rspamd's /ping, on a connection of its own: a health check never waits behind scans for a slot. */
    @Override
    public boolean ping() {
        try {
            return scanner.probe(socket -> {
                socket.getOutputStream().write("GET /ping HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                return DaemonConnections.readReply(socket, -1, MAX_HEAD, StandardCharsets.UTF_8);
            }).contains("pong");
        } catch (ScannerUnavailableException e) {
            return false;
        }
    }

    @Override
    public String describe() {
        return "rspamd at " + scanner.describe();
    }

}
