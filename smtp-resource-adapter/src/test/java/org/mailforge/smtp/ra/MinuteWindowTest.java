package org.mailforge.smtp.ra;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class MinuteWindowTest {

    @Test
    void countsTheLastSixtySecondsOnly() {
        AtomicLong now = new AtomicLong(1_000);
        MinuteWindow window = new MinuteWindow(now::get);
        window.record();
        window.record();
        now.addAndGet(30);
        window.record();
        assertEquals(3, window.total());
        now.addAndGet(30);
        assertEquals(1, window.total(), "the first two are a minute old");
        window.record();
        assertEquals(2, window.total(), "a reused slot starts from zero");
        now.addAndGet(3_600);
        assertEquals(0, window.total());
    }
}
