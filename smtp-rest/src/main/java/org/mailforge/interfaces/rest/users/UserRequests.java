package org.mailforge.interfaces.rest.users;

import jakarta.json.bind.annotation.JsonbProperty;

/** Request bodies of the user API. */
public final class UserRequests {

    private UserRequests() {
    }

    /** POST /api/users. */
    public static class Create {
        public String username;
        public String email;
        public String password;
        @JsonbProperty("quota_mb")
        public Long quotaMb;
        public Boolean admin;
    }

    /** PUT /api/users/{username}: every field optional. */
    public static class Update {
        public String email;
        public String password;
        /** The caller's present password, when it changes its own from a browser session. */
        @JsonbProperty("current_password")
        public String currentPassword;
        @JsonbProperty("quota_mb")
        public Long quotaMb;
        public Boolean enabled;
        public Boolean admin;
    }

    /** POST /api/users/{username}/messages/{id}/spam. */
    public static class SpamReport {
        /** true: this is spam (learn it, move it into Junk); false: it is not (learn it as ham, back into the inbox). */
        public Boolean spam;
    }
}
