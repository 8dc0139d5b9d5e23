package org.mailforge.interfaces.rest;

import java.util.ArrayList;
import java.util.List;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.servers.Server;
import org.mailforge.smtp.settings.ListenerSetting;
import org.mailforge.smtp.settings.OperationsSetting;
import org.mailforge.smtp.settings.SettingsReader;

/**
 * What the OpenAPI document says once for every operation, rather than in each resource:
 *
 * <ul>
 *   <li>where the API really is: HTTPS on SMTP_API_HTTPS_PORT first when configured, then plain
 *       HTTP on SMTP_HEALTH_PORT, both at SMTP_HOSTNAME. The document itself is served on the
 *       metrics port; without this, Liberty would name that port and "Try it out" in /openapi/ui
 *       would call the wrong one;</li>
 *   <li>the answers every operation can give: {@code 429} (the per-address request budget, with
 *       Retry-After) and, for all but the public documents ({@code /health}, {@code /.well-known/}),
 *       {@code 401} (no or wrong credentials), each with the {@code ApiError} body. An operation
 *       that says more about either keeps its own.</li>
 * </ul>
 *
 * Registered in microprofile-config.properties (mp.openapi.filter); the OpenAPI runtime creates
 * it, so it reads the settings from MP Config.
 */
public class ApiDocumentFilter implements OASFilter {

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        servers(openAPI);
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach((path, item) -> {
            boolean open = path.equals("/health") || path.startsWith("/.well-known/");
            item.getOperations().values().forEach(operation -> {
                if (operation.getResponses() == null) {
                    operation.setResponses(OASFactory.createAPIResponses());
                }
                if (!open && !operation.getResponses().hasAPIResponse("401")) {
                    operation.getResponses().addAPIResponse("401", error("No or wrong credentials"));
                }
                if (!operation.getResponses().hasAPIResponse("429")) {
                    operation.getResponses().addAPIResponse("429", error("Rate limit exceeded (Retry-After)"));
                }
            });
        });
    }

    private static org.eclipse.microprofile.openapi.models.responses.APIResponse error(String description) {
        return OASFactory.createAPIResponse().description(description).content(OASFactory.createContent().addMediaType(
                "application/json", OASFactory.createMediaType().schema(OASFactory.createSchema().ref("ApiError"))));
    }

    private static void servers(OpenAPI openAPI) {
        Config config = ConfigProvider.getConfig(ApiDocumentFilter.class.getClassLoader());
        SettingsReader settings = new SettingsReader(name -> config.getOptionalValue(name, String.class));
        String host = settings.text(ListenerSetting.HOSTNAME);
        int http = settings.integer(OperationsSetting.HEALTH_PORT);
        int https = settings.integer(OperationsSetting.API_HTTPS_PORT);
        List<Server> servers = new ArrayList<>();
        if (https > 0) {
            servers.add(OASFactory.createServer().url("https://" + host + ":" + https).description("the API over HTTPS"));
        }
        servers.add(OASFactory.createServer().url("http://" + host + ":" + http).description("the API over plain HTTP"));
        openAPI.setServers(servers);
    }
}
