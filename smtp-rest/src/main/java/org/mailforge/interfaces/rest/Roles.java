package org.mailforge.interfaces.rest;

/** The roles of the admin API. */
public final class Roles {

    public static final String ADMIN = "admin";
    public static final String USER = "user";

    private Roles() {
    }
}
