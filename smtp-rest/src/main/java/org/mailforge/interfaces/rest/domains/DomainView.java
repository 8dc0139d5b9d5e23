package org.mailforge.interfaces.rest.domains;

import java.util.List;

import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

import org.mailforge.application.directory.DirectoryService;
import org.mailforge.domain.dkim.DkimKey;

/**
 * A local domain as {@code /api/domains} shows it: whether it comes from the configuration (and
 * cannot be removed here), how many users and aliases use it, the targets of its catch-all, and
 * its DKIM selectors (the active one first).
 */
@JsonbPropertyOrder({"name", "configured", "users", "aliases", "catchAll", "dkimSelectors"})
public record DomainView(
        String name,
        boolean configured,
        long users,
        long aliases,
        @JsonbProperty("catch_all") List<String> catchAll,
        @JsonbProperty("dkim_selectors") List<String> dkimSelectors) {

    static DomainView of(DirectoryService.DomainInfo info, List<DkimKey> keys) {
        return new DomainView(info.name(), info.configured(), info.users(), info.aliases(), info.catchAll(),
                keys.stream().map(DkimKey::getSelector).toList());
    }
}
