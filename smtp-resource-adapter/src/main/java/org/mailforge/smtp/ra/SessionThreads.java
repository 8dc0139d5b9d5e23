package org.mailforge.smtp.ra;

import java.lang.reflect.Method;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where SMTP sessions run: never on the application server's shared executor, which the HTTP API,
 * health checks and the container's own tasks need. On a JVM with virtual threads (Java 21+) each
 * session is a virtual thread: a session waiting for its client holds a few kilobytes of heap and
 * no operating-system thread, so 10,000 open sessions cost about what 10,000 sockets cost. On Java
 * 17 each session is a daemon platform thread with a small stack.
 */
final class SessionThreads {

    /** Enough for the session, the container's MDB invocation and JDBC below it. */
    private static final long PLATFORM_STACK_BYTES = 512 * 1024;

    private SessionThreads() {
    }

    /** A factory for session threads named {@code prefix-N}. */
    static ThreadFactory factory(String prefix) {
        ThreadFactory virtual = virtualThreads(prefix);
        if (virtual != null) {
            return virtual;
        }
        AtomicLong counter = new AtomicLong();
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return task -> {
            Thread thread = new Thread(null, task, prefix + counter.incrementAndGet(), PLATFORM_STACK_BYTES);
            thread.setDaemon(true);
            thread.setContextClassLoader(loader);
            return thread;
        };
    }

    /** "virtual" or "platform": what {@link #factory} gives on this JVM. */
    static String kind() {
        return virtualThreads("probe-") != null ? "virtual" : "platform";
    }

    /**
     * {@code Thread.ofVirtual().name(prefix, 1).factory()} where the JVM has it. Called by
     * reflection so that the adapter still builds and runs on Java 17.
     */
    private static ThreadFactory virtualThreads(String prefix) {
        try {
            Method ofVirtual = Thread.class.getMethod("ofVirtual");
            Object builder = ofVirtual.invoke(null);
            Class<?> ofVirtualType = Class.forName("java.lang.Thread$Builder$OfVirtual");
            builder = ofVirtualType.getMethod("name", String.class, long.class).invoke(builder, prefix, 1L);
            return (ThreadFactory) Class.forName("java.lang.Thread$Builder").getMethod("factory").invoke(builder);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // Java 17-20: no virtual threads
        }
    }
}
