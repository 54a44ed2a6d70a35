package dev.actionqueues.sqs.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/** Records every request an SDK client makes, to count calls by operation. Thread-safe. */
public final class CallLog implements ExecutionInterceptor {

    private final List<SdkRequest> requests = new CopyOnWriteArrayList<>();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        requests.add(context.request());
    }

    /** How many requests of {@code type} were made. */
    public long count(Class<? extends SdkRequest> type) {
        return requests.stream().filter(type::isInstance).count();
    }

    /** The requests of {@code type}, oldest first. */
    public <T extends SdkRequest> List<T> of(Class<T> type) {
        return requests.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** Forgets what was recorded. */
    public void clear() {
        requests.clear();
    }
}
