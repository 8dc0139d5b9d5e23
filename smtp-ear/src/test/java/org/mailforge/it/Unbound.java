package org.mailforge.it;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A DNSSEC-validating resolver on 127.0.0.1: Debian's {@code unbound}, trusting one zone signed
 * here with {@code ldns-keygen} and {@code ldns-signzone} (package {@code ldnsutils}), which it
 * serves itself (an auth-zone, validated as if it came from the zone's name servers). It serves
 * unsigned zones the same way, with no trust anchor: their answers are insecure, as an unsigned
 * zone's are on the internet.
 *
 * <p>After signing, a record can be spoiled in the signed file ({@link #Unbound spoiled}): its
 * signature no longer matches, and the resolver answers SERVFAIL for it, as for a forged answer.
 */
final class Unbound implements AutoCloseable {

    private final Process process;
    private final int port;

    /**
     * @param zone     the zone file of {@code origin} (records relative to it), signed here
     * @param spoiled  a text in the signed zone to replace after signing, and its replacement (null: none)
     * @param unsigned unsigned zones: each origin and its records (relative to it)
     */
    Unbound(Path folder, int port, String origin, String zone, String[] spoiled, java.util.Map<String, String> unsigned)
            throws Exception {
        this.port = port;
        String unbound = ExternalTools.requireCommand("unbound");
        String keygen = ExternalTools.requireCommand("ldns-keygen");
        String signzone = ExternalTools.requireCommand("ldns-signzone");
        String key2ds = ExternalTools.requireCommand("ldns-key2ds");
        Files.createDirectories(folder);
        Path zoneFile = zoneFile(folder, origin, zone);
        String keySigningKey = run(folder, keygen, "-a", "ECDSAP256SHA256", "-k", origin).strip();
        String zoneSigningKey = run(folder, keygen, "-a", "ECDSAP256SHA256", origin).strip();
        run(folder, signzone, "-n", zoneFile.toString(), keySigningKey, zoneSigningKey);
        Path signed = folder.resolve(origin + ".zone.signed");
        if (spoiled != null) {
            String text = Files.readString(signed);
            if (!text.contains(spoiled[0])) {
                throw new AssertionError("the signed zone has no " + spoiled[0]);
            }
            Files.writeString(signed, text.replace(spoiled[0], spoiled[1]));
        }
        String ds = run(folder, key2ds, "-n", "-2", keySigningKey + ".key").strip();
        Path config = folder.resolve("unbound.conf");
        Files.writeString(config, """
                server:
                  interface: 127.0.0.1
                  port: %d
                  username: ""
                  chroot: ""
                  directory: "%s"
                  pidfile: ""
                  use-syslog: no
                  logfile: ""
                  verbosity: 1
                  val-log-level: 2
                  do-not-query-localhost: no
                  module-config: "validator iterator"
                  local-zone: "test." nodefault
                  trust-anchor: "%s"
                  cache-max-ttl: 5
                  cache-max-negative-ttl: 5
                """.formatted(port, folder, ds) + authZone(origin, signed) + unsigned(folder, unsigned), StandardCharsets.US_ASCII);
        process = new ProcessBuilder(unbound, "-d", "-c", config.toString()).redirectErrorStream(true)
                .redirectOutput(folder.resolve("unbound.log").toFile()).start();
        try {
            // alive too: an unbound left over from an earlier run would answer on the port with its own zone
            TestServer.await(() -> process.isAlive() && answers(port, origin), Duration.ofSeconds(20),
                    "unbound answers on 127.0.0.1:" + port + " (see " + folder.resolve("unbound.log") + ")");
        } catch (AssertionError | RuntimeException e) {
            process.destroy();
            throw e;
        }
    }

    private static Path zoneFile(Path folder, String origin, String records) throws java.io.IOException {
        Path file = folder.resolve(origin + ".zone");
        Files.writeString(file, "$ORIGIN " + origin + ".\n$TTL 300\n"
                + "@ IN SOA ns." + origin + ". admin." + origin + ". 1 3600 600 86400 300\n@ IN NS ns." + origin + ".\n"
                + "ns IN A 127.0.0.1\n" + records);
        return file;
    }

    private static String unsigned(Path folder, java.util.Map<String, String> zones) throws java.io.IOException {
        StringBuilder config = new StringBuilder();
        for (var zone : zones.entrySet()) {
            config.append(authZone(zone.getKey(), zoneFile(folder, zone.getKey(), zone.getValue())));
        }
        return config.toString();
    }

    /** A zone unbound serves from a file as if from its name servers: its answers are validated like any others. */
    private static String authZone(String origin, Path file) {
        return """
                auth-zone:
                  name: "%s"
                  zonefile: "%s"
                  for-upstream: yes
                  for-downstream: no
                  fallback-enabled: no
                """.formatted(origin, file);
    }

    /** SMTP_DANE_RESOLVER. */
    String address() {
        return "127.0.0.1:" + port;
    }

    private static boolean answers(int port, String origin) {
        try (java.net.DatagramSocket socket = new java.net.DatagramSocket()) {
            socket.setSoTimeout(500);
            byte[] query = org.xbill.DNS.Message.newQuery(org.xbill.DNS.Record.newRecord(org.xbill.DNS.Name.fromString(origin + "."),
                    org.xbill.DNS.Type.SOA, org.xbill.DNS.DClass.IN)).toWire();
            socket.send(new java.net.DatagramPacket(query, query.length, java.net.InetAddress.getLoopbackAddress(), port));
            socket.receive(new java.net.DatagramPacket(new byte[4096], 4096));
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static String run(Path folder, String... command) throws Exception {
        Process process = new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + output);
        }
        return output;
    }

    @Override
    public void close() {
        process.destroy();
    }
}
