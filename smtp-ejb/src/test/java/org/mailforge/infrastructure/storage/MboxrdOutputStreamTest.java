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
}
