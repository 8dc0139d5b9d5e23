package org.mailforge.smtp.client;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.mailforge.smtp.spi.MessageContent;
import org.mailforge.smtp.spi.RecipientReply;
import org.mailforge.smtp.spi.Reply;

/**
 * The client side of one SMTP conversation (RFC 5321), over two streams: outbound delivery runs
 * it over a socket, ATRN (RFC 2645) over the connection the client opened. It sends a message
 * byte for byte (dot-stuffing only), pipelines the envelope when the server offers PIPELINING
 * (RFC 2920), declares SIZE (RFC 1870), BODY=8BITMIME (RFC 6152) and SMTPUTF8 (RFC 6531) where
 * they apply, and reports the server's verdict for every recipient. In LMTP mode (RFC 2033) it
 * greets with LHLO and reads the server's one reply per accepted recipient after the message.
 *
 * <p>Not thread-safe; one conversation per instance.
 */
public final class SmtpClient {

    private static final int MAX_REPLY_LINE = 4096;
    private static final int MAX_REPLY_LINES = 200;

    private final InputStream in;
    private final OutputStream out;
    private final Map<String, String> extensions = new TreeMap<>();
    private final boolean lmtp;

    public SmtpClient(InputStream in, OutputStream out) {
        this(in, out, false);
    }

    private SmtpClient(InputStream in, OutputStream out, boolean lmtp) {
        this.in = new BufferedInputStream(in, 8 * 1024);
        this.out = new BufferedOutputStream(out, 16 * 1024);
        this.lmtp = lmtp;
    }

    /** A client of the Local Mail Transfer Protocol (RFC 2033), e.g. Dovecot's LMTP service. */
    public static SmtpClient lmtp(InputStream in, OutputStream out) {
        return new SmtpClient(in, out, true);
    }

    /** Reads the server's greeting (220, or a refusal). */
    public Reply greeting() throws IOException {
        return readReply();
    }

    /**
     * Says EHLO (LHLO in LMTP), falling back to HELO when an SMTP server does not know it;
     * remembers the extensions offered.
     */
    public Reply hello(String name) throws IOException {
        extensions.clear();
        Reply reply = command((lmtp ? "LHLO " : "EHLO ") + name);
        if (reply.code() == 250) {
            for (String line : reply.lines().subList(1, reply.lines().size())) {
                String[] parts = line.strip().split("\\s+", 2);
                extensions.put(parts[0].toUpperCase(Locale.ROOT), parts.length > 1 ? parts[1] : "");
            }
            return reply;
        }
        if (reply.code() >= 500 && reply.code() < 600 && !lmtp) {
            return command("HELO " + name);
        }
        return reply;
    }

    /** Whether the last EHLO offered the extension. */
    public boolean supports(String extension) {
        return extensions.containsKey(extension.toUpperCase(Locale.ROOT));
    }

    /** The SIZE the server announced, or 0 for none or no limit. */
    public long maxSize() {
        String value = extensions.get("SIZE");
        try {
            return value == null || value.isBlank() ? 0 : Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Sends one command line and reads its reply. */
    public Reply command(String line) throws IOException {
        write(line);
        out.flush();
        return readReply();
    }

    /** AUTH PLAIN with an initial response (RFC 4954). */
    public Reply authPlain(String user, String password) throws IOException {
        byte[] token = ("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8);
        return command("AUTH PLAIN " + java.util.Base64.getEncoder().encodeToString(token));
    }

    /**
     * Sends one message: MAIL, RCPT for each recipient, DATA and the content. When no recipient
     * is accepted, the transaction is reset and the content not sent.
     *
     * @param sender     reverse path without brackets, empty for the null sender
     * @param recipients forward paths without brackets
     * @param smtpUtf8   the envelope or headers need SMTPUTF8
     * @return the verdict for each recipient, in order
     */
    public List<RecipientReply> send(String sender, List<String> recipients, MessageContent content, boolean smtpUtf8)
            throws IOException {
        StringBuilder mail = new StringBuilder("MAIL FROM:<").append(sender).append('>');
        if (supports("SIZE")) {
            mail.append(" SIZE=").append(content.size());
        }
        if (supports("8BITMIME") && hasEightBitOctets(content)) {
            mail.append(" BODY=8BITMIME");
        }
        if (smtpUtf8) {
            mail.append(" SMTPUTF8");
        }
        boolean pipelining = supports("PIPELINING");
        List<Reply> envelope = new ArrayList<>(recipients.size() + 1);
        if (pipelining) {
            // RFC 2920: MAIL and every RCPT in one go, then the replies in order
            write(mail.toString());
            for (String recipient : recipients) {
                write("RCPT TO:<" + recipient + ">");
            }
            out.flush();
            for (int i = 0; i <= recipients.size(); i++) {
                envelope.add(readReply());
            }
        } else {
            Reply mailReply = command(mail.toString());
            envelope.add(mailReply);
            for (String recipient : recipients) {
                envelope.add(mailReply.code() == 250 ? command("RCPT TO:<" + recipient + ">") : mailReply);
            }
        }
        Reply mailReply = envelope.get(0);
        List<RecipientReply> results = new ArrayList<>(recipients.size());
        boolean anyAccepted = false;
        for (int i = 0; i < recipients.size(); i++) {
            Reply rcpt = mailReply.code() == 250 ? envelope.get(i + 1) : mailReply;
            results.add(new RecipientReply(recipients.get(i), rcpt));
            anyAccepted |= rcpt.code() == 250 || rcpt.code() == 251;
        }
        if (!anyAccepted) {
            if (mailReply.code() == 250) {
                command("RSET");
            }
            return results;
        }
        Reply data = command("DATA");
        Reply verdict = data.code() == 354 ? transmit(content) : data;
        List<RecipientReply> delivered = new ArrayList<>(results.size());
        boolean first = true;
        for (RecipientReply result : results) {
            if (!result.delivered()) {
                delivered.add(result);
                continue;
            }
            // RFC 2033 4.2: after the message, an LMTP server replies once per accepted recipient
            Reply own = lmtp && data.code() == 354 && !first ? readReply() : verdict;
            first = false;
            delivered.add(new RecipientReply(result.recipient(), own));
        }
        return delivered;
    }

    /** Says QUIT and reads the 221, ignoring a server that already hung up. */
    public void quit() {
        try {
            command("QUIT");
        } catch (IOException ignored) {
            // the conversation is over either way
        }
    }

    private Reply transmit(MessageContent content) throws IOException {
        try (InputStream message = content.openStream()) {
            DotStuffing.copy(message, out);
        }
        write(".");
        out.flush();
        return readReply();
    }

    private void write(String line) throws IOException {
        out.write(line.getBytes(StandardCharsets.UTF_8));
        out.write('\r');
        out.write('\n');
    }

    /** Reads one reply, single- or multi-line. */
    public Reply readReply() throws IOException {
        List<String> lines = new ArrayList<>();
        int code = -1;
        String status = null;
        while (true) {
            String line = readLine();
            if (line.length() < 3 || !Character.isDigit(line.charAt(0)) || !Character.isDigit(line.charAt(1))
                    || !Character.isDigit(line.charAt(2)) || (line.length() > 3 && line.charAt(3) != ' ' && line.charAt(3) != '-')) {
                throw new IOException("not an SMTP reply: " + abbreviate(line));
            }
            int lineCode = Integer.parseInt(line.substring(0, 3));
            if (code < 0) {
                code = lineCode;
            } else if (lineCode != code) {
                throw new IOException("reply code changed inside a multi-line reply: " + abbreviate(line));
            }
            String text = line.length() > 4 ? line.substring(4) : "";
            String[] enhanced = text.split(" ", 2);
            if (enhanced[0].matches("[245]\\.\\d{1,3}\\.\\d{1,3}")) {
                status = enhanced[0];
                text = enhanced.length > 1 ? enhanced[1] : "";
            }
            lines.add(text);
            if (line.length() == 3 || line.charAt(3) == ' ') {
                break;
            }
            if (lines.size() > MAX_REPLY_LINES) {
                throw new IOException("reply longer than " + MAX_REPLY_LINES + " lines");
            }
        }
        if (code < 200 || code > 599) {
            throw new IOException("unexpected reply code " + code);
        }
        return new Reply(code, status, lines);
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.UTF_8);
            }
            if (line.size() >= MAX_REPLY_LINE) {
                throw new IOException("reply line longer than " + MAX_REPLY_LINE + " octets");
            }
            line.write(b);
        }
        throw new java.io.EOFException("connection closed by the server");
    }

    private static boolean hasEightBitOctets(MessageContent content) throws IOException {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream message = content.openStream()) {
            int n;
            while ((n = message.read(buffer)) > 0) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] < 0) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "...";
    }
}
