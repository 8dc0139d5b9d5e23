package org.mailforge.application.architecture;

import org.mailforge.infrastructure.security.PasswordHasher;

/** Breaks the layering on purpose, for ArchitectureTest: an application class holding an infrastructure class. */
public class UsesInfrastructure {

    final PasswordHasher hasher = new PasswordHasher();
}
