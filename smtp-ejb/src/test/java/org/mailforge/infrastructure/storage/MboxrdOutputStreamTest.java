package org.mailforge.infrastructure.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;

class MboxrdOutputStreamTest {

    private static final byte[][] PIECES = {
        "From ".getBytes(StandardCharsets.US_ASCII), ">From ".getBytes(StandardCharsets.US_ASCII),
        ">>Fro".getBytes(StandardCharsets.US_ASCII), "\r\n".getBytes(StandardCharsets.US_ASCII), {'\r'}, {'\n'},
        "text ".getBytes(StandardCharsets.US_ASCII), {'>'}, {0}, {(byte) 0xff}, "Fr".getBytes(StandardCharsets.US_ASCII)};

    private static byte[] quoted(byte[] input, Random chunks) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MboxrdOutputStream mbox = new MboxrdOutputStream(out);
        int i = 0;
        while (i < input.length) {
            if (chunks == null) {
                mbox.write(input[i++]);
            } else {
                int n = Math.min(input.length - i, 1 + chunks.nextInt(40));
                mbox.write(input, i, n);
                i += n;
            }
        }
        mbox.finish();
        return out.toByteArray();
    }

    @Test
    void bulkWritesQuoteExactlyAsOctetByOctet() throws Exception {
        Random random = new Random(42);
        for (int round = 0; round < 2000; round++) {
            ByteArrayOutputStream input = new ByteArrayOutputStream();
            for (int p = random.nextInt(60); p > 0; p--) {
                input.writeBytes(PIECES[random.nextInt(PIECES.length)]);
            }
            byte[] bytes = input.toByteArray();
            assertArrayEquals(quoted(bytes, null), quoted(bytes, new Random(round)), "round " + round);
        }
    }

    @Test
    void quotesFromLinesAndTurnsCrlfIntoLf() throws Exception {
        byte[] input = "Subject: x\r\n\r\nFrom here\r\n>From there\r\nnot From\r\nbare\rcr\r\n".getBytes(StandardCharsets.US_ASCII);
        assertEquals("Subject: x\n\n>From here\n>>From there\nnot From\nbare\rcr\n\n",
                new String(quoted(input, new Random(1)), StandardCharsets.US_ASCII));
    }

    /** Counts octets and keeps only the last few: a 50 MB run costs the test no memory either. */
    private static final class Tail extends java.io.OutputStream {
        long count;
        long quotes;
        final StringBuilder tail = new StringBuilder();

        @Override
        public void write(int b) {
            count++;
            if (b == '>') {
                quotes++;
            }
            tail.append((char) b);
            if (tail.length() > 32) {
                tail.deleteCharAt(0);
            }
        }
    }

    /** Hostile input: 50 MB of '>' at a line start are counted, not buffered, and quoted right. */
    @Test
    void aFiftyMegabyteRunOfQuotesAtALineStartIsCountedNotBuffered() throws Exception {
        int run = 50 * 1024 * 1024;
        byte[] chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte) '>');
        for (String rest : new String[] {"From x\r\n", "x\r\n"}) {
            Tail sink = new Tail();
            MboxrdOutputStream mbox = new MboxrdOutputStream(sink);
            for (int written = 0; written < run; written += chunk.length) {
                mbox.write(chunk, 0, chunk.length);
            }
            mbox.write(rest.getBytes(StandardCharsets.US_ASCII));
            mbox.finish();
            boolean from = rest.startsWith("From");
            assertEquals(run + (from ? 1 : 0), sink.quotes, rest);
            assertEquals(sink.quotes + rest.length() - 1 + 1, sink.count, "CRLF becomes LF, one empty line follows");
            assertEquals(from ? ">From x\n\n" : ">x\n\n", sink.tail.substring(sink.tail.length() - (from ? 9 : 4)));
        }
    }
}
