package org.mailforge.domain.outbound;

import java.util.Optional;

/** The MTA-STS policies of destination domains, cached for every node of the cluster. */
public interface MtaStsPolicyRepository {

    Optional<MtaStsPolicy> find(String domain);

    /** Stores the policy of its domain, replacing the one there was. */
    void save(MtaStsPolicy policy);
}
