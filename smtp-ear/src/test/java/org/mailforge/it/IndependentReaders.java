package org.mailforge.it;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import jakarta.json.Json;
import jakarta.json.JsonString;

/** Ways to read stored mail that do not go through the server: Python's mailbox module, plain SQL. */
final class IndependentReaders {

    /** Prints every message of a maildir or an mboxrd file as a JSON list of base64 strings. */
    private static final String PYTHON = String.join("\n",
            "import base64, json, mailbox, re, sys",
            "kind, path = sys.argv[1], sys.argv[2]",
            "box = mailbox.Maildir(path, factory=None, create=False) if kind == 'maildir' else mailbox.mbox(path, create=False)",
            "messages = []",
            "for key in box.keys():",
            "    data = box.get_bytes(key)",
            "    if kind == 'mbox':",
            "        data = re.sub(rb'(?m)^>(>*From )', rb'\\1', data)  # mboxrd: one '>' less",
            "        data = data.replace(b'\\n', b'\\r\\n')  # Unix line ends back to SMTP's CRLF",
            "    messages.append(base64.b64encode(data).decode('ascii'))",
            "json.dump(messages, sys.stdout)", "");

    private IndependentReaders() {
    }

    /** The messages of a maildir or mbox file, as Python's {@code mailbox} module reads them. */
    static List<byte[]> python(String kind, Path path) throws Exception {
        String python = ExternalTools.requirePython("mailbox");
        Path script = java.nio.file.Files.createTempFile("read-mailbox", ".py");
        try {
            java.nio.file.Files.writeString(script, PYTHON);
            Process process = new ProcessBuilder(python, script.toString(), kind, path.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new AssertionError("python mailbox reader failed on " + path);
            }
            List<byte[]> messages = new ArrayList<>();
            for (JsonString message : Json.createReader(new java.io.StringReader(new String(output, StandardCharsets.US_ASCII)))
                    .readArray().getValuesAs(JsonString.class)) {
                messages.add(Base64.getDecoder().decode(message.getString()));
            }
            return messages;
        } finally {
            java.nio.file.Files.deleteIfExists(script);
        }
    }

    /** A connection to a server's SQLite database, waiting politely while the server writes. */
    static Connection sqlite(Path database) throws Exception {
        Properties properties = new Properties();
        properties.setProperty("busy_timeout", "30000");
        return DriverManager.getConnection("jdbc:sqlite:" + database, properties);
    }

    /** The storage keys the server's index lists for a mailbox, oldest first. */
    static List<String> indexedKeys(Path database, String mailbox) throws Exception {
        try (Connection db = sqlite(database);
             PreparedStatement query = db.prepareStatement(
                     "SELECT storage_key FROM stored_messages WHERE mailbox = ? ORDER BY id")) {
            query.setString(1, mailbox);
            List<String> keys = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    keys.add(rows.getString(1));
                }
            }
            return keys;
        }
    }
}
