package org.mailforge.application;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.mailforge.domain.mail.StoredLocation;
import org.mailforge.domain.mail.StoredMessage;
import org.mailforge.domain.mail.StoredMessageRepository;
import org.mailforge.domain.user.UserRepository;

class LedgerWriterTest {

    /** A repository that writes down the calls of one method and ignores the rest. */
    private static <T> T recording(Class<T> type, String method, List<List<Object>> calls) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, m, args) -> {
            if (m.getName().equals(method)) {
                calls.add(List.of(args));
            }
            return null;
        }));
    }

    private static StoredMessage message(String mailbox, long size) {
        return new StoredMessage(new StoredLocation(mailbox, "new/" + System.nanoTime(), size), "", "session", Instant.now());
    }

    @Test
    void usedSpaceIsAddedOncePerMailboxWithTheSumOfItsMessages() {
        List<List<Object>> indexed = new ArrayList<>();
        List<List<Object>> usage = new ArrayList<>();
        LedgerWriter writer = new LedgerWriter();
        writer.messages = recording(StoredMessageRepository.class, "recordAll", indexed);
        writer.users = recording(UserRepository.class, "addUsage", usage);

        writer.write(List.of(message("zoe@example.org", 100), message("ann@example.org", 7),
                message("zoe@example.org", 250), message("ann@example.org", 3), message("zoe@example.org", 1)));

        assertEquals(1, indexed.size(), "all five index rows in one call");
        assertEquals(5, ((List<?>) indexed.get(0).get(0)).size());
        assertEquals(List.of(List.of("ann@example.org", 10L), List.of("zoe@example.org", 351L)), usage,
                "one update per mailbox, in name order");
    }
}
