package org.mailforge.infrastructure.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.mailforge.application.config.S3Configuration;
import org.mailforge.smtp.spi.MessageContent;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The bucket of {@code SMTP_S3_BUCKET}, as the mail store and the shared queue spool use it. An
 * object counts as written when S3 has acknowledged the PUT (or completed the multipart upload)
 * with the Content-MD5 of every octet checked by the server; until then nothing is visible under
 * the key, and a failed multipart upload is aborted so that no parts linger. Every failure is an
 * {@link IOException} naming the bucket.
 */
final class S3Objects implements AutoCloseable {

    private static final String MESSAGE = "message/rfc822";
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(S3Objects.class.getName());

    /** Objects up to this size are read whole by {@link #open}: 256 KiB for each delivery under way at most. */
    static final int READ_WHOLE_LIMIT = 256 * 1024;

    private final S3Client s3;
    private final S3Configuration configuration;

    S3Objects(S3Client s3, S3Configuration configuration) {
        this.s3 = s3;
        this.configuration = configuration;
    }

    /** A client of its own: Apache HttpClient, bounded connection pool, no Netty. */
    static S3Objects connect(S3Configuration configuration) {
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(configuration.region()))
                .forcePathStyle(configuration.pathStyle())
                .httpClientBuilder(ApacheHttpClient.builder()
                        .maxConnections(64)
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(60)))
                // Content-MD5 on every PUT instead of the newer flexible checksums, which not every
                // S3-compatible store understands; S3 rejects a body that does not match it
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        if (configuration.endpoint() != null) {
            builder.endpointOverride(configuration.endpoint());
        }
        if (configuration.accessKey() != null) {
            builder.credentialsProvider(StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(configuration.accessKey(), configuration.secretKey())));
        }
        return new S3Objects(builder.build(), configuration);
    }

    S3Client client() {
        return s3;
    }

    S3Configuration configuration() {
        return configuration;
    }

/**
     * A missing bucket or refused credentials stop start-up (naming the variable to fix); a store
     * that does not answer yet only delays mail, which is deferred with 451 until it does.
     */
    void checkBucket() {
        try {
            s3.headBucket(head -> head.bucket(configuration.bucket()));
        } catch (S3Exception e) {
            if (e instanceof NoSuchBucketException || e.statusCode() == 404) {
                throw new IllegalStateException("SMTP_S3_BUCKET: no bucket '" + configuration.bucket() + "' at " + configuration
                        + "; create it first (the server never creates buckets)", e);
            }
            if (e.statusCode() == 401 || e.statusCode() == 403) {
                throw new IllegalStateException("S3 " + configuration + " refused SMTP_S3_ACCESS_KEY/SMTP_S3_SECRET_KEY ("
                        + e.statusCode() + "): check the keys and the bucket policy", e);
            }
            LOG.warning(() -> "S3 " + configuration + " answered " + e.statusCode() + " at start-up; mail is deferred until it works");
        } catch (SdkClientException e) {
            LOG.warning(() -> "S3 " + configuration + " is not reachable at start-up (" + e.getMessage()
                    + "); mail is deferred with 451 until it is");
        }
    }

    void put(String key, MessageContent content) throws IOException {
        long size = content.size();
        long partSize = size > configuration.multipartThreshold() ? configuration.partSize() : size;
        List<String> digests = partDigests(content, partSize);
        try {
            if (digests.size() == 1) {
                s3.putObject(put -> put.bucket(configuration.bucket()).key(key).contentType(MESSAGE)
                                .contentLength(size).contentMD5(digests.get(0)),
                        RequestBody.fromContentProvider(range(content, 0, size), size, MESSAGE));
            } else {
                uploadInParts(key, content, partSize, digests);
            }
        } catch (SdkException | UncheckedIOException e) {
            throw failure("did not take " + key, e);
        }
    }

    private void uploadInParts(String key, MessageContent content, long partSize, List<String> digests) {
        String uploadId = s3.createMultipartUpload(create -> create.bucket(configuration.bucket()).key(key)
                .contentType(MESSAGE)).uploadId();
        try {
            List<CompletedPart> parts = new ArrayList<>(digests.size());
            for (int i = 0; i < digests.size(); i++) {
                int number = i + 1;
                long offset = i * partSize;
                long length = Math.min(partSize, content.size() - offset);
                String digest = digests.get(i);
                String etag = s3.uploadPart(part -> part.bucket(configuration.bucket()).key(key).uploadId(uploadId)
                                .partNumber(number).contentLength(length).contentMD5(digest),
                        RequestBody.fromContentProvider(range(content, offset, length), length, MESSAGE)).eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
            }
            s3.completeMultipartUpload(complete -> complete.bucket(configuration.bucket()).key(key).uploadId(uploadId)
                    .multipartUpload(upload -> upload.parts(parts)));
        } catch (SdkException | UncheckedIOException e) {
            try {
                s3.abortMultipartUpload(abort -> abort.bucket(configuration.bucket()).key(key).uploadId(uploadId));
            } catch (SdkException abortFailed) {
                e.addSuppressed(abortFailed); // the bucket's lifecycle rule for incomplete uploads cleans up
            }
            throw e;
        }
    }

    /** A server-side copy (the queue's second entry for the same content). */
    void copy(String from, String to) throws IOException {
        try {
            s3.copyObject(copy -> copy.sourceBucket(configuration.bucket()).sourceKey(from)
                    .destinationBucket(configuration.bucket()).destinationKey(to));
        } catch (SdkException e) {
            throw failure("did not copy " + from + " to " + to, e);
        }
    }

    /**
     * The object as content. One GET: an object of up to {@link #READ_WHOLE_LIMIT} octets (a
     * queued message, nearly always) is read whole and served from memory, however many times the
     * delivery reads it; a larger one keeps its size from that GET and streams a fresh GET each
     * time it is read.
     */
    MessageContent open(String key) throws IOException {
        ResponseInputStream<GetObjectResponse> object = get(key);
        Long length = object.response().contentLength(); // a store that streams without one: read to find out
        if (length != null && length > READ_WHOLE_LIMIT) {
            object.abort(); // the octets come with each stream; only the size was wanted now
            return new LazyContent(length, () -> get(key));
        }
        try (object) {
            byte[] octets = object.readNBytes(READ_WHOLE_LIMIT + 1);
            if (length == null && octets.length > READ_WHOLE_LIMIT) {
                object.abort();
                return new LazyContent(size(key), () -> get(key));
            }
            if (length != null && octets.length != length) {
                throw new IOException("S3 " + configuration + " returned " + octets.length + " octets of " + key + ", not " + length);
            }
            return MessageContent.of(octets);
        } catch (SdkException e) {
            throw failure("did not return " + key, e);
        }
    }

    private long size(String key) throws IOException {
        try {
            return s3.headObject(head -> head.bucket(configuration.bucket()).key(key)).contentLength();
        } catch (SdkException e) {
            throw failure("did not find " + key, e);
        }
    }

    private ResponseInputStream<GetObjectResponse> get(String key) throws IOException {
        try {
            return s3.getObject(get -> get.bucket(configuration.bucket()).key(key));
        } catch (SdkException e) {
            throw failure("did not return " + key, e);
        }
    }

    void delete(String key) throws IOException {
        try {
            s3.deleteObject(delete -> delete.bucket(configuration.bucket()).key(key));
        } catch (SdkException e) {
            throw failure("did not delete " + key, e);
        }
    }

    private IOException failure(String what, Exception e) {
        return new IOException("S3 " + configuration + " " + what + ": " + e.getMessage(), e);
    }

    /** The base64 MD5 of each {@code partSize} slice of the content, in one pass over it. */
    private static List<String> partDigests(MessageContent content, long partSize) throws IOException {
        MessageDigest md5 = md5();
        List<String> digests = new ArrayList<>();
        byte[] buffer = new byte[64 * 1024];
        long inPart = 0;
        try (InputStream in = content.openStream()) {
            int n;
            while ((n = in.read(buffer, 0, (int) Math.min(buffer.length, partSize - inPart))) > 0) {
                md5.update(buffer, 0, n);
                inPart += n;
                if (inPart == partSize) {
                    digests.add(Base64.getEncoder().encodeToString(md5.digest()));
                    inPart = 0;
                }
            }
        }
        if (inPart > 0 || digests.isEmpty()) {
            digests.add(Base64.getEncoder().encodeToString(md5.digest()));
        }
        return digests;
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has MD5", e);
        }
    }

    /** The body of a request, readable again when the SDK retries it. */
    private static ContentStreamProvider range(MessageContent content, long offset, long length) {
        return () -> {
            try {
                return openRange(content, offset, length);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    /** {@code length} octets of {@code content} from {@code offset}: one part of a multipart upload. */
    private static InputStream openRange(MessageContent content, long offset, long length) throws IOException {
        InputStream in = content.openStream();
        try {
            in.skipNBytes(offset);
        } catch (IOException e) {
            in.close();
            throw e;
        }
        return new org.mailforge.application.common.BoundedInputStream(in, length);
    }


    @Override
    public void close() {
        s3.close();
    }
}
