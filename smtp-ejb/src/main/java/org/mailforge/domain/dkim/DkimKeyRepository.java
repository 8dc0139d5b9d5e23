package org.mailforge.domain.dkim;

import java.util.List;
import java.util.Optional;

/** The DKIM keys of the local domains. */
public interface DkimKeyRepository {

    /** A domain's keys, the active one first, then the newest. */
    List<DkimKey> list(String domain);

    Optional<DkimKey> find(String domain, String selector);

    /** The key that signs the domain's mail, if any. */
    Optional<DkimKey> active(String domain);

    /**
     * Stores a new key; when it is active, the domain's other keys stop being active in the same
     * transaction.
     *
     * @throws IllegalStateException when the domain has a key under that selector already
     */
    DkimKey add(DkimKey key);

    /** Makes the key the domain's only active one. */
    void activate(DkimKey key);

    /** Removes a key; the domain's mail goes unsigned when it was the active one, until another is activated. */
    void remove(DkimKey key);
}
