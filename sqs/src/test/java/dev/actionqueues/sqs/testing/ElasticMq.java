package dev.actionqueues.sqs.testing;

import java.net.URI;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * An SQS-compatible server (ElasticMQ) started in-process on a free loopback port, shared by the
 * tests of one JVM, and SDK clients pointed at it with static dummy credentials. Nothing leaves the
 * machine: no AWS account or network is needed. Thread-safe.
 */
public final class ElasticMq {

    /** Dummy credentials: ElasticMQ checks none, and these must never appear in logs or errors. */
    public static final String ACCESS_KEY = "AKIATESTONLYNOTREAL01";
    /** The secret half of the dummy credentials. */
    public static final String SECRET_KEY = "test-only-secret-key-not-real-0123456789";

    private static SQSRestServer server;
    private static URI endpoint;

    private ElasticMq() {
    }

    /** Starts the server once per JVM and returns its endpoint. */
    public static synchronized URI endpoint() {
        if (server == null) {
            server = SQSRestServerBuilder.withInterface("127.0.0.1").withPort(0).start();
            int port = server.waitUntilStarted().localAddress().getPort();
            endpoint = URI.create("http://127.0.0.1:" + port);
        }
        return endpoint;
    }

    /** A new synchronous client for the server; the caller closes it. */
    public static SqsClient client(ExecutionInterceptor... interceptors) {
        return clientFor(endpoint(), interceptors);
    }

    /** A new asynchronous client for {@code uri} with the dummy credentials; the caller closes it. */
    public static SqsAsyncClient asyncClientFor(URI uri, ExecutionInterceptor... interceptors) {
        return SqsAsyncClient.builder().endpointOverride(uri).region(Region.EU_WEST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .overrideConfiguration(o -> {
                    for (ExecutionInterceptor i : interceptors) {
                        o.addExecutionInterceptor(i);
                    }
                }).build();
    }

    /** A new asynchronous client for the server; the caller closes it. */
    public static SqsAsyncClient asyncClient(ExecutionInterceptor... interceptors) {
        return asyncClientFor(endpoint(), interceptors);
    }

    /** A new synchronous client for {@code uri} with the dummy credentials; the caller closes it. */
    public static SqsClient clientFor(URI uri, ExecutionInterceptor... interceptors) {
        return SqsClient.builder().endpointOverride(uri).region(Region.EU_WEST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .overrideConfiguration(o -> {
                    for (ExecutionInterceptor i : interceptors) {
                        o.addExecutionInterceptor(i);
                    }
                }).build();
    }
}
