package org.mailforge.interfaces.rest.aliases;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

import org.mailforge.domain.directory.Alias;

/** An alias as {@code /api/aliases} shows it; {@code *@domain} is the domain's catch-all. */
@JsonbPropertyOrder({"address", "targets", "catchAll", "createdAt"})
public record AliasView(
        String address,
        List<String> targets,
        @JsonbProperty("catch_all") boolean catchAll,
        @JsonbProperty("created_at") Instant createdAt) {

    static AliasView of(Alias alias) {
        return new AliasView(alias.getAddress(), alias.getTargets(), alias.isCatchAll(), alias.getCreatedAt().truncatedTo(ChronoUnit.SECONDS));
    }

    /** The body of POST and PUT. */
    public static class Request {
        public String address;
        public List<String> targets;
    }
}
