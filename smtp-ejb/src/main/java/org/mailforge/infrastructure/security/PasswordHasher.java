package org.mailforge.infrastructure.security;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

import org.mailforge.application.users.PasswordHashing;

/**
 * Argon2id exactly as the specification sets it (t=3, m=65536 KiB, p=4, 16-byte random salt,
 * 32-byte hash), in the PHC string format {@code $argon2id$v=19$m=65536,t=3,p=4$<salt>$<hash>}
 * with unpadded standard base64, as the reference {@code argon2} tool writes it.
 *
 * <p>Each hash costs 64 MiB and a few hundred milliseconds of CPU, so every one of them (checks,
 * new passwords, changed passwords, the dummy check for unknown logins) passes one gate: at most
 * one per processor at once, a bounded line of callers waiting, and {@link PasswordHashing.Busy} for the rest. A
 * flood of logins or password changes queues instead of exhausting the heap.
 */
public final class PasswordHasher implements PasswordHashing {

    /** Hashes that may run at once. */
    static final int CONCURRENT_HASHES = Math.max(1, Runtime.getRuntime().availableProcessors());
    /** Callers that may wait for a turn; more are refused at once. */
    static final int MAX_WAITING = 64;
    private static final long MAX_WAIT_SECONDS = 30;

    public static final int ITERATIONS = 3;
    public static final int MEMORY_KIB = 65_536;
    public static final int PARALLELISM = 4;
    public static final int SALT_BYTES = 16;
    public static final int HASH_BYTES = 32;

    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d{1,7}),t=(\\d{1,3}),p=(\\d{1,2})\\$([A-Za-z0-9+/]{11,}+)\\$([A-Za-z0-9+/]{22,}+)");
    private static final Base64.Encoder ENCODER = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getDecoder();

    private final SecureRandom random = new SecureRandom();
    private final java.util.concurrent.Semaphore running;
    private final int maxWaiting;
    private final long maxWaitSeconds;
    private final java.util.concurrent.atomic.AtomicInteger waiting = new java.util.concurrent.atomic.AtomicInteger();

    public PasswordHasher() {
        this(CONCURRENT_HASHES, MAX_WAITING, MAX_WAIT_SECONDS);
    }

    /** A hasher with its own gate: {@code concurrent} hashes at once, {@code maxWaiting} callers in line. */
    PasswordHasher(int concurrent, int maxWaiting, long maxWaitSeconds) {
        this.running = new java.util.concurrent.Semaphore(concurrent, true);
        this.maxWaiting = maxWaiting;
        this.maxWaitSeconds = maxWaitSeconds;
    }

    @Override
    public String hash(char[] password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return hash(password, salt);
    }

    /** Hashes with a given salt (for known-answer tests against the reference tool). */
    public String hash(char[] password, byte[] salt) {
        byte[] hash = derive(password, salt, MEMORY_KIB, ITERATIONS, PARALLELISM, HASH_BYTES);
        return "$argon2id$v=19$m=" + MEMORY_KIB + ",t=" + ITERATIONS + ",p=" + PARALLELISM
                + "$" + ENCODER.encodeToString(salt) + "$" + ENCODER.encodeToString(hash);
    }

    /**
     * Checks a password against a stored PHC string in constant time. Parameters are read from the
     * string, so hashes made with other costs keep working.
     */
    @Override
    public boolean verify(char[] password, String phc) {
        Matcher m = phc == null ? null : PHC.matcher(phc);
        if (m == null || !m.matches()) {
            return false;
        }
        byte[] salt = DECODER.decode(m.group(4));
        byte[] expected = DECODER.decode(m.group(5));
        byte[] actual = derive(password, salt, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)), expected.length);
        return MessageDigest.isEqual(expected, actual);
    }

    /** Burns the same work as a real check, so an unknown user cannot be told from a wrong password. */
    @Override
    public void verifyDummy(char[] password) {
        derive(password, new byte[SALT_BYTES], MEMORY_KIB, ITERATIONS, PARALLELISM, HASH_BYTES);
    }

    private byte[] derive(char[] password, byte[] salt, int memoryKib, int iterations, int parallelism, int length) {
        if (waiting.incrementAndGet() > maxWaiting) {
            waiting.decrementAndGet();
            throw new PasswordHashing.Busy();
        }
        try {
            if (!running.tryAcquire(maxWaitSeconds, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new PasswordHashing.Busy();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PasswordHashing.Busy();
        } finally {
            waiting.decrementAndGet();
        }
        try {
            return argon2id(password, salt, memoryKib, iterations, parallelism, length);
        } finally {
            running.release();
        }
    }

    private static byte[] argon2id(char[] password, byte[] salt, int memoryKib, int iterations, int parallelism, int length) {
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memoryKib)
                .withIterations(iterations)
                .withParallelism(parallelism)
                .withSalt(salt)
                .build());
        byte[] secret = utf8(password);
        try {
            byte[] out = new byte[length];
            generator.generateBytes(secret, out);
            return out;
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    private static byte[] utf8(char[] password) {
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] bytes = Arrays.copyOfRange(encoded.array(), encoded.position(), encoded.limit());
        Arrays.fill(encoded.array(), (byte) 0);
        return bytes;
    }
}
