package org.mailforge.application.verification;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.mailforge.testing.Python;

/** The Authentication-Results field we write, read back by an independent parser: Debian's python3-authres. */
class AuthenticationResultsTest {

    @Test
    void authresReadsWhatWeWrite() throws Exception {
        AuthenticationResults results = new AuthenticationResults(
                new AuthenticationResults.Spf("pass", "bounces+x@mail.bank.example", "client.example", "127.0.0.1 is allowed"),
                List.of(new AuthenticationResults.Dkim("pass", "bank.example", "mf2026", "rsa-sha256", "AbC+/9xy", null),
                        new AuthenticationResults.Dkim("fail", "evil(example)", "s;1", "rsa-sha256", "zz", "body hash (did) not verify\\")),
                new AuthenticationResults.Dmarc("pass", "bank.example", "reject", null));
        String header = results.header("mx.example.test");
        String parsed = Python.run("authres", "python3-authres", String.join("\n",
                "import authres, sys",
                "field = authres.AuthenticationResultsHeader.parse(sys.argv[1])",
                "print(field.authserv_id)",
                "for r in field.results:",
                "    print(r.method, r.result, ' '.join(p.type + '.' + p.name + '=' + p.value for p in r.properties))"), header.strip());
        assertEquals(String.join("\n",
                "mx.example.test",
                "spf pass smtp.mailfrom=bounces+x@mail.bank.example",
                "dkim pass header.d=bank.example header.s=mf2026 header.a=rsa-sha256 header.b=AbC+/9xy",
                "dkim fail header.a=rsa-sha256 header.b=zz", // a signature's unusable values are left out
                "dmarc pass header.from=bank.example"), parsed);
    }

    @Test
    void theNullSenderIsNamedByItsHeloAndOddAddressesByTheirDomain() {
        AuthenticationResults nullSender = new AuthenticationResults(new AuthenticationResults.Spf("none", "", "client.example", null),
                List.of(), new AuthenticationResults.Dmarc("none", null, null, null));
        assertEquals("Authentication-Results: mx.example.test;\r\n\tspf=none smtp.helo=client.example;\r\n\tdkim=none;\r\n\tdmarc=none\r\n",
                nullSender.header("mx.example.test"));
        assertEquals("spf=none smtp.helo=client.example; dkim=none; dmarc=none", nullSender.results(), "as an ARC set repeats them");
        AuthenticationResults quoted = new AuthenticationResults(new AuthenticationResults.Spf("fail", "\"a b\"@bank.example", "c", null),
                List.of(), new AuthenticationResults.Dmarc("none", null, null, null));
        assertEquals(true, quoted.header("mx").contains("spf=fail smtp.mailfrom=bank.example;"));
    }
}
