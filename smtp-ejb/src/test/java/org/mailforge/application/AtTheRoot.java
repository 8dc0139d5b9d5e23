package org.mailforge.application;

/** A class at the application's root, which ArchitectureTest refuses (a test fixture, never deployed). */
public final class AtTheRoot {
}
