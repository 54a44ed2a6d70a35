package dev.actionqueues.sqs;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityResponse;
import software.amazon.awssdk.services.sqs.model.CreateQueueRequest;
import software.amazon.awssdk.services.sqs.model.CreateQueueResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageResponse;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlResponse;
import software.amazon.awssdk.services.sqs.model.PurgeQueueRequest;
import software.amazon.awssdk.services.sqs.model.PurgeQueueResponse;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

/**
 * The calls the backend makes, as a synchronous {@link SqsClient} over an {@link SqsAsyncClient}, for
 * a factory built from an asynchronous client only: each call waits for its future (cheap on a
 * virtual thread). SDK failures come out as the synchronous client throws them; an interrupt while
 * waiting cancels the call and is reported as the SDK reports it ({@link AbortedException}, the
 * interrupt status set). Other operations are not offered. Does not close the client. Thread-safe.
 */
final class BlockingSqsClient implements SqsClient {

    private final SqsAsyncClient async;

    BlockingSqsClient(SqsAsyncClient async) {
        this.async = async;
    }

    @Override
    public SendMessageResponse sendMessage(SendMessageRequest r) {
        return await(async.sendMessage(r));
    }

    @Override
    public SendMessageBatchResponse sendMessageBatch(SendMessageBatchRequest r) {
        return await(async.sendMessageBatch(r));
    }

    @Override
    public ReceiveMessageResponse receiveMessage(ReceiveMessageRequest r) {
        return await(async.receiveMessage(r));
    }

    @Override
    public ChangeMessageVisibilityResponse changeMessageVisibility(ChangeMessageVisibilityRequest r) {
        return await(async.changeMessageVisibility(r));
    }

    @Override
    public ChangeMessageVisibilityBatchResponse changeMessageVisibilityBatch(ChangeMessageVisibilityBatchRequest r) {
        return await(async.changeMessageVisibilityBatch(r));
    }

    @Override
    public DeleteMessageResponse deleteMessage(DeleteMessageRequest r) {
        return await(async.deleteMessage(r));
    }

    @Override
    public DeleteMessageBatchResponse deleteMessageBatch(DeleteMessageBatchRequest r) {
        return await(async.deleteMessageBatch(r));
    }

    @Override
    public GetQueueAttributesResponse getQueueAttributes(GetQueueAttributesRequest r) {
        return await(async.getQueueAttributes(r));
    }

    @Override
    public GetQueueUrlResponse getQueueUrl(GetQueueUrlRequest r) {
        return await(async.getQueueUrl(r));
    }

    @Override
    public CreateQueueResponse createQueue(CreateQueueRequest r) {
        return await(async.createQueue(r));
    }

    @Override
    public PurgeQueueResponse purgeQueue(PurgeQueueRequest r) {
        return await(async.purgeQueue(r));
    }

    @Override
    public String serviceName() {
        return async.serviceName();
    }

    /** Not closed here: the factory's caller owns the asynchronous client. */
    @Override
    public void close() {
    }

    private static <T> T await(CompletableFuture<T> call) {
        try {
            return call.get();
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw AbortedException.builder().message("interrupted while waiting for SQS").cause(e).build();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SdkException sdk) {
                throw sdk;
            }
            throw SdkClientException.builder().message("the SQS call failed").cause(cause).build();
        } catch (CancellationException e) {
            throw AbortedException.builder().message("the SQS call was cancelled").cause(e).build();
        }
    }
}
