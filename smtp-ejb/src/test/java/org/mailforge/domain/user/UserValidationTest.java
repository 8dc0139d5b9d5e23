package org.mailforge.domain.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class UserValidationTest {

    @Test
    void usernames() {
        assertEquals("john.doe-1", UserValidation.username("john.doe-1"));
        for (String bad : new String[] {null, "", "John", "-x", "a b", "x".repeat(65), "ünï"}) {
            assertEquals("username", assertThrows(UserValidation.InvalidFieldException.class, () -> UserValidation.username(bad)).field());
        }
    }

    @Test
    void emailsAreNormalisedToLowerCase() {
        assertEquals("john@example.com", UserValidation.email(" John@Example.COM "));
        assertEquals("admin@localhost", UserValidation.email("admin@localhost"));
        for (String bad : new String[] {null, "john", "john@", "@example.com", "a b@example.com", "john@-x.com", "x@y@z"}) {
            assertEquals("email", assertThrows(UserValidation.InvalidFieldException.class, () -> UserValidation.email(bad)).field());
        }
    }

    @Test
    void passwordsAndQuotas() {
        assertThrows(UserValidation.InvalidFieldException.class, () -> UserValidation.password("short".toCharArray()));
        assertThrows(UserValidation.InvalidFieldException.class, () -> UserValidation.password(null));
        assertEquals(0L, UserValidation.quotaMb(0L));
        assertThrows(UserValidation.InvalidFieldException.class, () -> UserValidation.quotaMb(-1L));
        assertThrows(UserValidation.InvalidFieldException.class, () -> UserValidation.quotaMb(null));
    }
}
