package dev.actionqueues.sqs;

import dev.actionqueues.deferred.spi.QueueStats;
import dev.actionqueues.sqs.SqsMessages.Outgoing;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.PurgeQueueInProgressException;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * The SQS calls on one queue, each turning SDK failures into {@code BackendException}s and refused
 * receipt handles into {@code false}. Calls that do not wait run even when the thread's interrupt
 * status is set (the SDK would abort them) and leave the status set. Thread-safe.
 */
final class SqsCalls {

    private final SqsClient client;
    /** The asynchronous client of {@link #sendBatchAsync}, or null. */
    private final SqsAsyncClient async;
    private final String url;
    private final String name;

    SqsCalls(SqsClient client, String url, String name) {
        this(client, null, url, name);
    }

    SqsCalls(SqsClient client, SqsAsyncClient async, String url, String name) {
        this.client = client;
        this.async = async;
        this.url = url;
        this.name = name;
    }

    String name() {
        return name;
    }

    void send(Outgoing m) {
        run("SendMessage", () -> client.sendMessage(b -> b.queueUrl(url).messageBody(m.body())
                .delaySeconds(m.delaySeconds()).messageGroupId(m.groupId())
                .messageDeduplicationId(m.deduplicationId())));
    }

    /** Sends up to 10 messages; for each, whether SQS stored it. */
    List<Boolean> sendBatch(List<Outgoing> messages) {
        SendMessageBatchRequest request = sendBatchRequest(messages);
        SendMessageBatchResponse r = run("SendMessageBatch", () -> client.sendMessageBatch(request));
        return results(messages.size(), r.successful().stream().map(e -> e.id()).toList());
    }

    /** Whether {@link #sendBatchAsync} goes through an asynchronous client (else it blocks). */
    boolean hasAsync() {
        return async != null;
    }

    /**
     * Sends up to 10 messages through the asynchronous client, without waiting: the future gives, for
     * each message, whether SQS stored it, or fails with a {@code BackendException}.
     */
    CompletableFuture<List<Boolean>> sendBatchAsync(List<Outgoing> messages) {
        CompletableFuture<SendMessageBatchResponse> sent;
        try {
            sent = async.sendMessageBatch(sendBatchRequest(messages));
        } catch (SdkException e) {
            return CompletableFuture.failedFuture(SqsFailures.wrap("SendMessageBatch on " + name, e));
        }
        return sent.handle((r, failure) -> {
            if (failure == null) {
                return results(messages.size(), r.successful().stream().map(e -> e.id()).toList());
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause instanceof SdkException e) {
                throw SqsFailures.wrap("SendMessageBatch on " + name, e);
            }
            throw cause instanceof RuntimeException re ? re : new CompletionException(cause);
        });
    }

    private SendMessageBatchRequest sendBatchRequest(List<Outgoing> messages) {
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            Outgoing m = messages.get(i);
            entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(i)).messageBody(m.body())
                    .delaySeconds(m.delaySeconds()).messageGroupId(m.groupId())
                    .messageDeduplicationId(m.deduplicationId()).build());
        }
        return SendMessageBatchRequest.builder().queueUrl(url).entries(entries).build();
    }

    /**
     * Receives up to {@code max} messages, hiding them for {@code visibilitySeconds}.
     *
     * @throws InterruptedException if the thread was interrupted before or during the call
     */
    List<Message> receive(int max, int visibilitySeconds, int waitSeconds) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        try {
            return client.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(max)
                    .visibilityTimeout(visibilitySeconds).waitTimeSeconds(waitSeconds)
                    .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT,
                            MessageSystemAttributeName.SENT_TIMESTAMP)).messages();
        } catch (AbortedException e) {
            Thread.currentThread().interrupt();
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while receiving from " + name);
            }
            throw SqsFailures.wrap("ReceiveMessage from " + name, e);
        } catch (SdkException e) {
            throw SqsFailures.wrap("ReceiveMessage from " + name, e);
        }
    }

    /**
     * Receives up to {@code max} messages without waiting, hiding them for {@code visibilitySeconds};
     * runs even if the thread's interrupt status is set (the call is short, and it may be made for
     * other threads' claims too), leaving the status set.
     */
    List<Message> receiveNow(int max, int visibilitySeconds) {
        return run("ReceiveMessage", () -> client.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(max)
                .visibilityTimeout(visibilitySeconds).waitTimeSeconds(0)
                .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT,
                        MessageSystemAttributeName.SENT_TIMESTAMP))).messages();
    }

    /** Sets a message's remaining invisibility; false if SQS refused the receipt handle as stale. */
    boolean changeVisibility(String receipt, int seconds) {
        return runStale("ChangeMessageVisibility", () -> client.changeMessageVisibility(b -> b.queueUrl(url)
                .receiptHandle(receipt).visibilityTimeout(seconds)));
    }

    /** Sets the invisibility of up to 10 messages; for each, whether SQS accepted its receipt handle. */
    List<Boolean> changeVisibilityBatch(List<String> receipts, int seconds) {
        return changeVisibilityBatch(receipts, java.util.Collections.nCopies(receipts.size(), seconds));
    }

    /** Sets the invisibility of up to 10 messages, each its own; for each, whether SQS accepted it. */
    List<Boolean> changeVisibilityBatch(List<String> receipts, List<Integer> seconds) {
        List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < receipts.size(); i++) {
            entries.add(ChangeMessageVisibilityBatchRequestEntry.builder().id(Integer.toString(i))
                    .receiptHandle(receipts.get(i)).visibilityTimeout(seconds.get(i)).build());
        }
        ChangeMessageVisibilityBatchResponse r = run("ChangeMessageVisibilityBatch",
                () -> client.changeMessageVisibilityBatch(b -> b.queueUrl(url).entries(entries)));
        return results(receipts.size(), r.successful().stream().map(e -> e.id()).toList());
    }

    /** Deletes a message; false if SQS refused the receipt handle as stale. */
    boolean delete(String receipt) {
        return runStale("DeleteMessage", () -> client.deleteMessage(b -> b.queueUrl(url).receiptHandle(receipt)));
    }

    /** Deletes up to 10 messages; for each, whether SQS accepted its receipt handle. */
    List<Boolean> deleteBatch(List<String> receipts) {
        List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < receipts.size(); i++) {
            entries.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i)).receiptHandle(receipts.get(i))
                    .build());
        }
        DeleteMessageBatchResponse r = run("DeleteMessageBatch",
                () -> client.deleteMessageBatch(b -> b.queueUrl(url).entries(entries)));
        return results(receipts.size(), r.successful().stream().map(e -> e.id()).toList());
    }

    /** The queue's approximate counts: available, in flight, delayed. */
    QueueStats stats() {
        Map<QueueAttributeName, String> a = attributes(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED);
        return new QueueStats(count(a, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES),
                count(a, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE),
                count(a, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED));
    }

    private static long count(Map<QueueAttributeName, String> a, QueueAttributeName name) {
        String v = a.get(name);
        return v == null ? 0 : Math.max(0, Long.parseLong(v));
    }

    Map<QueueAttributeName, String> attributes(QueueAttributeName... names) {
        return run("GetQueueAttributes", () -> client.getQueueAttributes(b -> b.queueUrl(url).attributeNames(names)))
                .attributes();
    }

    /** Purges the queue; false if a purge is already in progress (SQS allows one per 60 s). */
    boolean purge() {
        try {
            run("PurgeQueue", () -> client.purgeQueue(b -> b.queueUrl(url)));
            return true;
        } catch (SqsPurgeInProgress e) {
            return false;
        }
    }

    /**
     * The result of {@code f}, waiting through interrupts (the status stays set); its failure as a
     * runtime exception.
     */
    static <T> T awaitUninterruptibly(CompletableFuture<T> f) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (java.util.concurrent.ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof RuntimeException re) {
                        throw re;
                    }
                    if (cause instanceof Error err) {
                        throw err;
                    }
                    throw new CompletionException(cause);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Entries that failed (a stale receipt handle, or a server-side failure of that entry) are false. */
    private static List<Boolean> results(int n, List<String> successful) {
        Boolean[] ok = new Boolean[n];
        Arrays.fill(ok, Boolean.FALSE);
        successful.forEach(id -> ok[Integer.parseInt(id)] = Boolean.TRUE);
        return List.of(ok);
    }

    private boolean runStale(String op, Supplier<?> call) {
        boolean interrupted = Thread.interrupted();
        try {
            call.get();
            return true;
        } catch (SdkException e) {
            if (SqsFailures.isStaleReceipt(e)) {
                return false;
            }
            throw SqsFailures.wrap(op + " on " + name, e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private <T> T run(String op, Supplier<T> call) {
        boolean interrupted = Thread.interrupted();
        try {
            return call.get();
        } catch (PurgeQueueInProgressException e) {
            throw new SqsPurgeInProgress();
        } catch (SdkException e) {
            throw SqsFailures.wrap(op + " on " + name, e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Internal signal: a purge is already under way. */
    private static final class SqsPurgeInProgress extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SqsPurgeInProgress() {
            super(null, null, false, false);
        }
    }
}
