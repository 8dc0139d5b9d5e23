package org.mailforge.interfaces.rest.users;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

import org.mailforge.domain.user.User;

/** A user as the API shows it: never the password or its hash. */
@JsonbPropertyOrder({"id", "username", "email", "createdAt", "lastLogin", "quotaMb", "usedMb", "enabled", "admin", "statistics"})
public record UserView(
        long id,
        String username,
        String email,
        @JsonbProperty("created_at") Instant createdAt,
        @JsonbProperty("last_login") Instant lastLogin,
        @JsonbProperty("quota_mb") long quotaMb,
        @JsonbProperty("used_mb") double usedMb,
        boolean enabled,
        boolean admin,
        Statistics statistics) {

    public record Statistics(
            @JsonbProperty("messages_received") long messagesReceived,
            @JsonbProperty("messages_sent") long messagesSent,
            @JsonbProperty("storage_used_mb") double storageUsedMb) {
    }

    static UserView of(User user) {
        return of(user, null);
    }

    static UserView of(User user, Statistics statistics) {
        return new UserView(user.getId(), user.getUsername(), user.getEmail(), seconds(user.getCreatedAt()),
                seconds(user.getLastLogin()), user.getQuotaMb(), user.usedMb(), user.isEnabled(), user.isAdmin(), statistics);
    }

    private static Instant seconds(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.SECONDS);
    }
}
