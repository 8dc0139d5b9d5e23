package org.mailforge.smtp.protocol.architecture;

import org.mailforge.smtp.ra.AdapterStatisticsObject;

/** Breaks the engine's rule on purpose, for AdapterArchitectureTest. */
public class UsesTheAdapter {

    final AdapterStatisticsObject statistics = new AdapterStatisticsObject();
}
