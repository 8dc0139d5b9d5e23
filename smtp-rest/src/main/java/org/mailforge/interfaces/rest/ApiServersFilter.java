package org.mailforge.interfaces.rest;

import java.util.ArrayList;
import java.util.List;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.servers.Server;

/**
 * The OpenAPI document names where the API really is: HTTPS on SMTP_API_HTTPS_PORT first when
 * configured, then plain HTTP on SMTP_HEALTH_PORT, both at SMTP_HOSTNAME. The document itself is
 * served on the metrics port; without this, Liberty would name that port and "Try it out" in
 * /openapi/ui would call the wrong one. Registered in microprofile-config.properties
 * (mp.openapi.filter); the OpenAPI runtime creates it, so it reads the settings from MP Config.
 */
public class ApiServersFilter implements OASFilter {

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        Config config = ConfigProvider.getConfig(ApiServersFilter.class.getClassLoader());
        String host = config.getOptionalValue("SMTP_HOSTNAME", String.class).orElse("localhost");
        int http = config.getOptionalValue("SMTP_HEALTH_PORT", Integer.class).orElse(8080);
        int https = config.getOptionalValue("SMTP_API_HTTPS_PORT", Integer.class).orElse(0);
        List<Server> servers = new ArrayList<>();
        if (https > 0) {
            servers.add(OASFactory.createServer().url("https://" + host + ":" + https).description("the API over HTTPS"));
        }
        servers.add(OASFactory.createServer().url("http://" + host + ":" + http).description("the API over plain HTTP"));
        openAPI.setServers(servers);
    }
}
