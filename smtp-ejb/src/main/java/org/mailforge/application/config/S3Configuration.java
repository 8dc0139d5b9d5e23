package org.mailforge.application.config;

import java.net.URI;
import org.mailforge.smtp.settings.SettingsReader;
import org.mailforge.smtp.settings.StorageSetting;

/**
 * Where {@code SMTP_STORAGE_TYPE=s3} keeps mail: an S3 bucket, or a bucket of any S3-compatible
 * store (MinIO, Ceph RGW, s3proxy) reached through {@code SMTP_S3_ENDPOINT}.
 *
 * @param bucket             the bucket; it must exist (the server never creates one)
 * @param region             the signing region
 * @param accessKey          null to use the SDK's default credential chain (AWS_* variables, instance roles)
 * @param secretKey          with {@code accessKey}
 * @param endpoint           null for AWS itself
 * @param pathStyle          {@code http://host/bucket/key} addressing, which most S3-compatible stores need
 * @param multipartThreshold messages (with their Return-Path line) above this many octets go up in parts
 * @param partSize           octets per part of a multipart upload (S3's minimum is 5 MiB)
 */
public record S3Configuration(
        String bucket,
        String region,
        String accessKey,
        String secretKey,
        URI endpoint,
        boolean pathStyle,
        long multipartThreshold,
        long partSize) {

    static S3Configuration load(SettingsReader in, boolean required) {
        String endpoint = in.text(StorageSetting.S3_ENDPOINT);
        URI uri = null;
        if (endpoint != null) {
            try {
                uri = URI.create(endpoint);
            } catch (IllegalArgumentException e) {
                uri = null;
            }
            in.require(uri != null && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null,
                    "SMTP_S3_ENDPOINT must be an http:// or https:// URL (was '" + endpoint + "')");
        }
        S3Configuration config = new S3Configuration(
                in.text(StorageSetting.S3_BUCKET),
                in.text(StorageSetting.S3_REGION),
                in.text(StorageSetting.S3_ACCESS_KEY),
                in.text(StorageSetting.S3_SECRET_KEY),
                uri,
                in.bool(StorageSetting.S3_PATH_STYLE, endpoint != null),
                in.number(StorageSetting.S3_MULTIPART_THRESHOLD),
                in.number(StorageSetting.S3_PART_SIZE));
        if (required) {
            in.require(config.bucket() != null && config.bucket().matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]"),
                    "SMTP_S3_BUCKET must name an existing bucket (3-63 characters of a-z, 0-9, '.', '-') when SMTP_STORAGE_TYPE=s3 or SMTP_QUEUE_STORAGE=s3");
            in.require((config.accessKey() == null) == (config.secretKey() == null),
                    "SMTP_S3_ACCESS_KEY and SMTP_S3_SECRET_KEY go together (set both, or neither for the default AWS credential chain)");
        }
        return config;
    }

    /** Secrets stay out of logs. */
    @Override
    public String toString() {
        return "s3://" + bucket + (endpoint == null ? " (AWS " + region + ")" : " at " + endpoint);
    }
}
