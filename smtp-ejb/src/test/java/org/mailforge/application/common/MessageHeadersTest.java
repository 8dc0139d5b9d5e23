package org.mailforge.application.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** The subject for the queue and webhooks is read from at most 64 KiB of a header block of any size. */
class MessageHeadersTest {

    /** A header block of {@code size} octets, made up as it is read, counting what was read. */
    private static final class HugeHeaderBlock extends InputStream {
        private final byte[] start;
        private final long size;
        long read;

        HugeHeaderBlock(String start, long size) {
            this.start = start.getBytes(StandardCharsets.US_ASCII);
            this.size = size;
        }

        @Override
        public int read() {
            if (read >= size) {
                return -1;
            }
            long at = read++;
            if (at < start.length) {
                return start[(int) at];
            }
            return (at % 100) == 98 ? '\r' : (at % 100) == 99 ? '\n' : (at % 100) == 0 ? 'X' : (at % 100) == 1 ? ':' : 'a';
        }
    }

    @Test
    void readsAtMostSixtyFourKibibytesOfAFiftyMegabyteHeaderBlock() {
        HugeHeaderBlock block = new HugeHeaderBlock("Subject: =?UTF-8?B?w6l0w6k=?=\r\n", 50L * 1024 * 1024);
        assertEquals("\u00e9t\u00e9", MessageHeaders.subject(block));
        assertTrue(block.read <= MessageHeaders.MAX_HEADER_OCTETS + 8192, "read " + block.read + " octets");
    }

    @Test
    void aSubjectBeyondTheBoundIsNotLookedFor() {
        String filler = ("X-Filler: " + "y".repeat(88) + "\r\n").repeat(1000); // 100 KB
        assertNull(MessageHeaders.subject(new java.io.ByteArrayInputStream(
                (filler + "Subject: late\r\n\r\n").getBytes(StandardCharsets.US_ASCII))));
        assertEquals("early", MessageHeaders.subject(new java.io.ByteArrayInputStream(
                ("Subject: early\r\n" + filler + "\r\n").getBytes(StandardCharsets.US_ASCII))));
    }

    /**
     * The block is read into a buffer that grows as it goes (#38): a block of 8, 16, 40 or 64 KB,
     * a body after it, and the From: at the block's end is found; a block past 64 KB is not
     * complete, and the From: beyond the bound is not seen.
     */
    @Test
    void aHeaderBlockOfAnySizeUpToTheBoundIsReadWhole() {
        for (int padding : new int[] {0, 8 * 1024 - 60, 16 * 1024, 40 * 1024, MessageHeaders.MAX_HEADER_OCTETS - 200,
                MessageHeaders.MAX_HEADER_OCTETS + 10}) {
            String filler = padding == 0 ? "" : "X-Pad: " + "p".repeat(padding) + "\r\n";
            byte[] message = (filler + "From: a@bank.example\r\n\r\n" + "body\r\n".repeat(20_000)).getBytes(StandardCharsets.US_ASCII);
            MessageHeaders.HeaderBlock block = MessageHeaders.block(org.mailforge.smtp.spi.MessageContent.of(message));
            boolean within = filler.length() + 24 <= MessageHeaders.MAX_HEADER_OCTETS;
            assertEquals(within, block.complete(), "padding " + padding);
            assertEquals(within, MessageHeaders.authors(block).singleFromDomain().isPresent(), "padding " + padding);
        }
    }

    @Test
    void aLongSubjectIsCut() {
        String subject = MessageHeaders.subject(new java.io.ByteArrayInputStream(
                ("Subject: " + "s".repeat(5000) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII)));
        assertEquals(MessageHeaders.MAX_SUBJECT_CHARS, subject.length());
    }

    private static MessageHeaders.Authors authors(String headerBlock) {
        return MessageHeaders.authors(org.mailforge.smtp.spi.MessageContent.of(headerBlock.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void oneAuthorIsOneFromFieldWithOneAddress() {
        MessageHeaders.Authors one = authors("Received: x\r\nFrom: \"CEO\" <ceo@Example.TEST>\r\nSender: ops@example.test\r\n\r\nbody\r\n");
        assertEquals(java.util.Optional.of("example.test"), one.singleFromDomain());
        assertEquals(java.util.List.of("ceo@example.test", "ops@example.test"), one.all());
        // what a DMARC check must not take as one author
        for (String block : java.util.List.of("Subject: no from\r\n\r\n", "From: a@bank.example\r\nFrom: b@evil.example\r\n\r\n",
                "From: a@bank.example, b@evil.example\r\n\r\n", "From: not an address\r\n\r\n", "From: group:;\r\n\r\n",
                "From: a@bad..domain\r\n\r\n", "X-Pad: " + "p".repeat(70_000) + "\r\nFrom: a@bank.example\r\n\r\n")) {
            assertEquals(java.util.Optional.empty(), authors(block).singleFromDomain(), block.length() > 200 ? "past the bound" : block);
        }
        assertTrue(!authors("From: a@bank.example\r\nFrom: b@evil.example\r\n\r\n").all().isEmpty());
        assertEquals(2, authors("From: a@bank.example\r\nFrom: b@evil.example\r\n\r\n").fromFields());
    }

    @Test
    void internationalDomainsAreMappedAsTheEngineMapsThem() {
        // UTS #46, not IDNA2003: a sharp s is its own label, not "ss"
        assertEquals(java.util.Optional.of("xn--fa-hia.example"), authors("From: a@fa\u00df.example\r\n\r\n").singleFromDomain());
        assertEquals(java.util.Optional.of("xn--bcher-kva.example"), authors("From: a@B\u00fccher.example\r\n\r\n").singleFromDomain());
    }
}
