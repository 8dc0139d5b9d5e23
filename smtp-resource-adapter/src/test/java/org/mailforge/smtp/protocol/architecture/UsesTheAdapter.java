package org.mailforge.smtp.protocol.architecture;

import org.mailforge.smtp.ra.ListenerStatistics;

/** Breaks the engine's rule on purpose, for AdapterArchitectureTest. */
public class UsesTheAdapter {

    final ListenerStatistics statistics = ListenerStatistics.global();
}
