package dev.actionqueues.cli;

import dev.actionqueues.sqs.SqsBackendFactory;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * An SQS backend by URL: {@code sqs://REGION} (Amazon SQS in that region) or
 * {@code sqs://host:port?region=R[&https=true]} (an SQS-compatible endpoint such as ElasticMQ or
 * LocalStack), with {@code &create=true} to create missing queues with their redrive policy.
 * Credentials come from the AWS SDK's default chain (environment, system properties, profile,
 * instance role), never from the URL, so none can be printed.
 */
final class SqsUrl implements AutoCloseable {

    private static final Set<String> PARAMETERS = Set.of("region", "https", "create");

    private final SqsClient client;
    private final SqsBackendFactory factory;

    private SqsUrl(SqsClient client, SqsBackendFactory factory) {
        this.client = client;
        this.factory = factory;
    }

    static SqsUrl parse(String url, String suffix) {
        URI uri = URI.create(url);
        if (uri.getUserInfo() != null) {
            throw new IllegalArgumentException("an sqs:// URL takes no credentials: the AWS SDK's default chain"
                    + " provides them (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a profile or a role)");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("an sqs:// URL names a region (sqs://eu-west-1) or an endpoint"
                    + " (sqs://host:port?region=eu-west-1)");
        }
        Map<String, String> query = query(uri.getRawQuery());
        var builder = SqsClient.builder().credentialsProvider(DefaultCredentialsProvider.builder().build());
        if (uri.getPort() > 0) {
            String scheme = Boolean.parseBoolean(query.getOrDefault("https", "false")) ? "https" : "http";
            builder.endpointOverride(URI.create(scheme + "://" + uri.getHost() + ":" + uri.getPort()));
            builder.region(Region.of(query.getOrDefault("region", "us-east-1")));
        } else {
            builder.region(Region.of(uri.getHost()));
        }
        SqsClient client = builder.build();
        try {
            SqsBackendFactory.Builder b = SqsBackendFactory.builder().client(client)
                    .createQueues(Boolean.parseBoolean(query.getOrDefault("create", "false")));
            if (suffix != null) {
                b.nameSuffix(suffix);
            }
            return new SqsUrl(client, b.build());
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (!PARAMETERS.contains(key)) {
                throw new IllegalArgumentException("unknown sqs:// URL parameter '" + key + "' (known: " + PARAMETERS + ")");
            }
            out.put(key, eq < 0 ? "true" : pair.substring(eq + 1));
        }
        return out;
    }

    SqsBackendFactory factory() {
        return factory;
    }

    @Override
    public void close() {
        client.close();
    }
}
