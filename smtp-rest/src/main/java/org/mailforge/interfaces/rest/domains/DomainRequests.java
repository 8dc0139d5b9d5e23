package org.mailforge.interfaces.rest.domains;

/** Request bodies of {@code /api/domains}. */
public final class DomainRequests {

    private DomainRequests() {
    }

    /** {@code POST /api/domains}. */
    public static class NewDomain {
        public String name;
    }

    /** {@code POST /api/domains/{domain}/dkim}. */
    public static class NewKey {
        public String selector;
        /** rsa-sha256 (default) or ed25519-sha256. */
        public String algorithm;
        /** RSA only: 1024, 2048 (default), 3072, 4096. */
        public Integer bits;
        /** Sign with it from now on; default: only when the domain has no active key. */
        public Boolean active;
    }

    /** {@code PATCH /api/domains/{domain}/dkim/{selector}}. */
    public static class KeyChange {
        public Boolean active;
    }
}
