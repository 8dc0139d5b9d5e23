package org.mailforge.infrastructure.scanning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.mailforge.application.scanning.ScannerUnavailableException;
import org.mailforge.application.scanning.SpamVerdict;

/** rspamd's /checkv2 answers as rspamd 3.4 sends them, and what is not one. */
class RspamdAnswerTest {

    private static String answer(String json) {
        return "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: application/json\r\n\r\n" + json;
    }

    @Test
    void theActionDecides() throws Exception {
        SpamVerdict gtube = RspamdClient.parse(answer("{\"is_skipped\":true,\"score\":15.0,\"required_score\":15.0,"
                + "\"action\":\"reject\",\"symbols\":{\"GTUBE\":{\"name\":\"GTUBE\",\"score\":0.0}},"
                + "\"messages\":{\"smtp_message\":\"Gtube pattern\"}}"), "test");
        assertEquals(SpamVerdict.Action.REJECT, gtube.action());
        assertTrue(gtube.spam());
        assertEquals(List.of("GTUBE"), gtube.rules());
        assertEquals(15.0, gtube.score());
        SpamVerdict tagged = RspamdClient.parse(answer("{\"score\":7.5,\"required_score\":15,\"action\":\"add header\","
                + "\"symbols\":{\"Z\":{},\"A\":{}}}"), "test");
        assertEquals(SpamVerdict.Action.SPAM, tagged.action());
        assertEquals(List.of("A", "Z"), tagged.rules());
        assertEquals(SpamVerdict.Action.DEFER, RspamdClient.parse(answer("{\"score\":4,\"action\":\"soft reject\"}"), "t").action());
        assertEquals(SpamVerdict.Action.DEFER, RspamdClient.parse(answer("{\"score\":4,\"action\":\"greylist\"}"), "t").action());
        SpamVerdict ham = RspamdClient.parse(answer("{\"score\":-0.1,\"required_score\":15,\"action\":\"no action\"}"), "t");
        assertEquals(SpamVerdict.Action.NONE, ham.action());
        assertEquals(false, ham.spam());
    }

    @Test
    void anythingElseIsAScannerThatDoesNotAnswer() {
        for (String reply : List.of("HTTP/1.1 500 Internal Server Error\r\n\r\n{}", answer("not json"), answer("[1,2]"),
                answer("{\"action\":\"launch missiles\"}"), "garbage", "")) {
            assertThrows(ScannerUnavailableException.class, () -> RspamdClient.parse(reply, "test"), reply);
        }
    }

    @Test
    void symbolNamesThatCouldWriteAHeaderAreLeftOutAndTheRestIsNeverRead() throws Exception {
        String hostile = "{\"action\":\"add header\",\"score\":7,\"required_score\":15,\"symbols\":{"
                + "\"A\\r\\nAuthentication-Results: mx; dmarc=pass\":{},\"GOOD_ONE\":{\"options\":[\"x\"]},"
                + "\"" + "L".repeat(65) + "\":{}},\"urls\":[" + "\"u.example\",".repeat(50_000) + "\"last\"],"
                + "\"messages\":{\"smtp_message\":\"x\"}}";
        SpamVerdict verdict = RspamdClient.parse(answer(hostile), "test");
        assertEquals(List.of("GOOD_ONE"), verdict.rules());
        assertEquals(SpamVerdict.Action.SPAM, verdict.action());
    }
}
