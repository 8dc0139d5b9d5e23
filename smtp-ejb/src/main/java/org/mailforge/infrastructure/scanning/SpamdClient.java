package org.mailforge.infrastructure.scanning;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.mailforge.application.scanning.ScannerUnavailableException;
import org.mailforge.application.scanning.SpamScanner;
import org.mailforge.application.scanning.SpamVerdict;
import org.mailforge.smtp.spi.MessageContent;

/**
 * spamd over TCP, the SPAMC/1.5 protocol: {@code SYMBOLS} with {@code Content-length}, the message
 * streamed; the reply's {@code Spam: True ; 1000.0 / 5.0} header and the matched rules in its body.
 */
public final class SpamdClient implements SpamScanner {

    private static final Pattern SPAM_HEADER = Pattern.compile(
            "(?i)Spam:\\s*(True|False|Yes|No)\\s*;\\s*(-?[0-9.]+)\\s*/\\s*(-?[0-9.]+)");
    private static final int MAX_REPLY = 64 * 1024;

    private final DaemonConnections connections;

    public SpamdClient(String host, int port, Duration timeout, int maxConnections) {
        this.connections = new DaemonConnections("spamd", host, port, timeout, maxConnections);
    }

    @Override
    public SpamVerdict check(MessageContent content) throws ScannerUnavailableException {
        String reply = connections.converse(socket -> {
            OutputStream out = socket.getOutputStream();
            out.write(("SYMBOLS SPAMC/1.5\r\nContent-length: " + content.size() + "\r\nUser: mailforge\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            content.writeTo(out);
            out.flush();
            socket.shutdownOutput();
            return readAll(socket);
        });
        return parse(reply, connections.describe());
    }

    static SpamVerdict parse(String reply, String where) throws ScannerUnavailableException {
        int end = reply.indexOf("\r\n");
        String status = end < 0 ? reply : reply.substring(0, end);
        if (!status.matches("SPAMD/\\d+\\.\\d+ 0 .*")) {
            throw new ScannerUnavailableException("spamd at " + where + " answered: " + status);
        }
        Matcher header = SPAM_HEADER.matcher(reply);
        if (!header.find()) {
            throw new ScannerUnavailableException("spamd at " + where + " sent no Spam header");
        }
        boolean spam = header.group(1).toLowerCase(Locale.ROOT).matches("true|yes");
        int body = reply.indexOf("\r\n\r\n");
        List<String> rules = body < 0 ? List.of() : Arrays.stream(reply.substring(body + 4).strip().split(","))
                .map(String::strip).filter(rule -> !rule.isEmpty()).toList();
        return new SpamVerdict(spam, Double.parseDouble(header.group(2)), Double.parseDouble(header.group(3)), rules);
    }

    @Override
    public boolean ping() {
        return connections.pings("PING SPAMC/1.5\r\n\r\n".getBytes(StandardCharsets.US_ASCII), true, SpamdClient::readAll);
    }

    @Override
    public String describe() {
        return "spamd at " + connections.describe();
    }

    private static String readAll(Socket socket) throws IOException {
        return DaemonConnections.readReply(socket, -1, MAX_REPLY, StandardCharsets.UTF_8);
    }
}
