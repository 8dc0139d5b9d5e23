package org.mailforge.infrastructure.scanning;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;

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
 * HTTP/1.0 over the same bounded connections as spamd and clamd: one request per connection, the
 * answer read to the end of the stream and never more than 256 KiB.
 */
public final class RspamdClient implements SpamScanner {

    private static final int MAX_REPLY = 256 * 1024;

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
        return parse(post(scanner, "/checkv2", List.of(), content), scanner.describe());
    }

    @Override
    public SpamVerdict check(InboundMessage message) throws ScannerUnavailableException {
        List<String> headers = new ArrayList<>();
        header(headers, "Queue-Id", message.sessionId());
        header(headers, "IP", message.clientAddress());
        header(headers, "Helo", message.heloName());
        header(headers, "From", message.reversePath());
        for (String recipient : message.recipients()) {
            header(headers, "Rcpt", recipient);
        }
        header(headers, "User", message.authenticatedUser());
        return parse(post(scanner, "/checkv2", headers, message.content()), scanner.describe());
    }

    @Override
    public void learn(MessageContent content, boolean spam) throws ScannerUnavailableException {
        List<String> headers = new ArrayList<>();
        header(headers, "Password", password);
        String reply = post(controller, spam ? "/learnspam" : "/learnham", headers, content);
        int status = status(reply);
        // 208: rspamd learnt this very message before, which is what was asked
        if (status != 200 && status != 208) {
            throw new ScannerUnavailableException("rspamd controller at " + controller.describe() + " answered " + firstLine(reply));
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

    private static String post(DaemonConnections connections, String path, List<String> headers, MessageContent content)
            throws ScannerUnavailableException {
        return connections.converse(socket -> {
            StringBuilder request = new StringBuilder(256).append("POST ").append(path).append(" HTTP/1.0\r\n")
                    .append("Content-Length: ").append(content.size()).append("\r\n");
            headers.forEach(header -> request.append(header).append("\r\n"));
            OutputStream out = socket.getOutputStream();
            out.write(request.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
            content.writeTo(out);
            out.flush();
            return readAll(socket);
        });
    }

    /** The verdict in a {@code /checkv2} answer. */
    static SpamVerdict parse(String reply, String where) throws ScannerUnavailableException {
        if (status(reply) != 200) {
            throw new ScannerUnavailableException("rspamd at " + where + " answered " + firstLine(reply));
        }
        int body = reply.indexOf("\r\n\r\n");
        try (JsonReader reader = Json.createReader(new StringReader(body < 0 ? "" : reply.substring(body + 4)))) {
            JsonObject answer = reader.readObject();
            String action = answer.getString("action", "");
            double score = number(answer, "score");
            double required = number(answer, "required_score");
            List<String> symbols = answer.containsKey("symbols") && answer.get("symbols").getValueType() == JsonValue.ValueType.OBJECT
                    ? answer.getJsonObject("symbols").keySet().stream().sorted().toList() : List.of();
            SpamVerdict.Action verdict = switch (action.toLowerCase(Locale.ROOT)) {
                case "reject" -> SpamVerdict.Action.REJECT;
                case "soft reject", "greylist" -> SpamVerdict.Action.DEFER;
                case "add header", "rewrite subject" -> SpamVerdict.Action.SPAM;
                case "no action" -> SpamVerdict.Action.NONE;
                default -> throw new ScannerUnavailableException("rspamd at " + where + " gave an unknown action: '" + action + "'");
            };
            return new SpamVerdict(verdict == SpamVerdict.Action.SPAM || verdict == SpamVerdict.Action.REJECT, score, required,
                    symbols, verdict);
        } catch (JsonException | ClassCastException | IllegalStateException e) {
            throw new ScannerUnavailableException("rspamd at " + where + " sent an answer that is not its JSON: " + e.getMessage(), e);
        }
    }

    private static double number(JsonObject answer, String key) {
        JsonValue value = answer.get(key);
        return value instanceof JsonNumber number ? number.doubleValue() : 0;
    }

    private static int status(String reply) {
        String line = firstLine(reply);
        return line.matches("HTTP/1\\.[01] [0-9]{3}( .*)?") ? Integer.parseInt(line.substring(9, 12)) : -1;
    }

    private static String firstLine(String reply) {
        int end = reply.indexOf("\r\n");
        String line = end < 0 ? reply : reply.substring(0, end);
        return line.length() > 200 ? line.substring(0, 200) : line;
    }

    @Override
    public boolean ping() {
        try {
            return scanner.converse(socket -> {
                socket.getOutputStream().write("GET /ping HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                return readAll(socket);
            }).contains("pong");
        } catch (ScannerUnavailableException e) {
            return false;
        }
    }

    @Override
    public String describe() {
        return "rspamd at " + scanner.describe();
    }

    private static String readAll(Socket socket) throws IOException {
        return DaemonConnections.readReply(socket, -1, MAX_REPLY, StandardCharsets.UTF_8);
    }
}
