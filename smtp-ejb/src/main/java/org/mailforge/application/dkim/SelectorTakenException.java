package org.mailforge.application.dkim;

/** The domain has a DKIM key under that selector already (the API answers 409). */
public final class SelectorTakenException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public SelectorTakenException(String domain, String selector) {
        super("the domain " + domain + " has a DKIM key with selector " + selector);
    }
}
