package org.mailforge.infrastructure.webhooks;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.mailforge.application.common.Version;
import org.mailforge.application.events.WebhookCall;
import org.mailforge.application.events.WebhookReceiver;
import org.mailforge.application.config.ServerConfiguration;

/**
 * Posts a call to {@code SMTP_WEBHOOK_URL}: JSON body, {@code X-Webhook-Event}, {@code X-Webhook-Id},
 * {@code X-Webhook-Attempt} and, with {@code SMTP_WEBHOOK_SECRET}, {@code X-Webhook-Signature:
 * sha256=<hex HMAC-SHA256 of the body>} (the scheme GitHub uses, so receivers have code for it).
 */
@ApplicationScoped
public class HttpWebhookReceiver implements WebhookReceiver {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Inject
    ServerConfiguration configuration;

    @Inject
    Version version;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).build();

    @Override
    public int post(WebhookCall call) throws IOException {
        var operations = configuration.operations();
        byte[] body = call.body().getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder request = HttpRequest.newBuilder(operations.webhookUrl())
                .timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .header("User-Agent", "Mailforge/" + version.number())
                .header("X-Webhook-Event", call.event())
                .header("X-Webhook-Id", call.id())
                .header("X-Webhook-Attempt", Integer.toString(call.attempt()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (operations.webhookSecret() != null) {
            request.header("X-Webhook-Signature", "sha256=" + signature(operations.webhookSecret(), body));
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    static String signature(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
