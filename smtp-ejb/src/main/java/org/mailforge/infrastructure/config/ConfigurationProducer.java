package org.mailforge.infrastructure.config;

import org.mailforge.application.config.ServerConfiguration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/** Makes the validated configuration injectable; it is read once per application start. */
@ApplicationScoped
public class ConfigurationProducer {

    // a record cannot be proxied: jakarta.inject.Singleton, not a normal scope
    @Produces
    @jakarta.inject.Singleton
    ServerConfiguration configuration() {
        Config config = ConfigProvider.getConfig(ConfigurationProducer.class.getClassLoader());
        return ServerConfiguration.load(name -> config.getOptionalValue(name, String.class));
    }
}
