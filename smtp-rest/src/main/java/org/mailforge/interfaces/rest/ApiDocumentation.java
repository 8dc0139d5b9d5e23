package org.mailforge.interfaces.rest;

/**
 * Names shared by the OpenAPI annotations; the document's definition is on {@link AdminApplication},
 * per-operation details on the resources.
 */
public final class ApiDocumentation {

    public static final String BASIC = "basic";

    private ApiDocumentation() {
    }
}
