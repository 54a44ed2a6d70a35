package dev.actionqueues.micrometer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.actionqueues.deferred.spi.JobQueue;
import dev.actionqueues.deferred.spi.JobRecord;
import dev.actionqueues.deferred.spi.QueueStats;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue-depth gauges' source: counts read from the backend at most once per refresh interval
 * (by the injected clock), whatever the scrape rate; between reads, and while a read is under way on
 * another thread, the gauges see the last counts. NaN until the first read succeeds. A failed read
 * keeps the last counts and is retried after the interval: one WARN when reads start failing, DEBUG
 * while they go on. Thread-safe.
 */
final class QueueDepth {

    private static final Logger LOG = LoggerFactory.getLogger(DeferrableMetrics.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The wire format's push time: the time of later, a retry's due time, or a replay (epoch ms). */
    private static final String PUSH_TIME_FIELD = "last_push_time";

    /** The {@code state} tag's values. */
    enum State {
        WAITING("waiting"), DELAYED("delayed"), IN_FLIGHT("in_flight"), ERROR("error");

        final String tag;

        State(String tag) {
            this.tag = tag;
        }
    }

    private record Snapshot(long readAt, double waiting, double delayed, double inFlight, double errors,
            double oldestAgeMillis) {
        static final Snapshot NONE = new Snapshot(Long.MIN_VALUE, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN);

        double get(State state) {
            return switch (state) {
                case WAITING -> waiting;
                case DELAYED -> delayed;
                case IN_FLIGHT -> inFlight;
                case ERROR -> errors;
            };
        }
    }

    private final String group;
    private final JobQueue queue;
    private final JobQueue errorQueue;
    private final InstantSource clock;
    private final long refreshMillis;
    private final boolean inspectable;
    private final ReentrantLock reading = new ReentrantLock();
    private volatile Snapshot snapshot = Snapshot.NONE;
    private volatile long lastAttempt = Long.MIN_VALUE;
    private boolean failing;

    QueueDepth(String group, JobQueue queue, JobQueue errorQueue, InstantSource clock, Duration refresh) {
        this.group = group;
        this.queue = queue;
        this.errorQueue = errorQueue;
        this.clock = clock;
        this.refreshMillis = refresh.toMillis();
        this.inspectable = queue.capabilities().inspection();
    }

    /** Whether the backend can list its waiting jobs, which the oldest-age gauge needs. */
    boolean canTellOldest() {
        return inspectable;
    }

    double get(State state) {
        return current().get(state);
    }

    double oldestAgeMillis() {
        return current().oldestAgeMillis();
    }

    private Snapshot current() {
        long now = clock.millis();
        if (due(now) && reading.tryLock()) {
            try {
                if (due(now)) {
                    lastAttempt = now;
                    read(now);
                }
            } finally {
                reading.unlock();
            }
        }
        return snapshot;
    }

    private boolean due(long now) {
        long last = lastAttempt;
        return last == Long.MIN_VALUE || now - last >= refreshMillis || now < last;
    }

    /** Reads the counts, and the next job's push time when there is one; under {@link #reading}. */
    private void read(long now) {
        try {
            QueueStats main = queue.stats();
            long errors = errorQueue.stats().total();
            double oldest = Double.NaN;
            if (inspectable) {
                oldest = main.available() == 0 ? 0 : ageOfNext(now);
            }
            snapshot = new Snapshot(now, main.available(), main.delayed(), main.inFlight(), errors, oldest);
            if (failing) {
                failing = false;
                LOG.info("The queue depth of group '{}' is readable again", group);
            }
        } catch (RuntimeException e) {
            if (!failing) {
                failing = true;
                LOG.warn("Reading the queue depth of group '{}' failed; the gauges keep their last values until a read"
                        + " succeeds", group, e);
            } else {
                LOG.debug("Reading the queue depth of group '{}' failed again", group, e);
            }
        }
    }

    /**
     * The age of the job listed first (the next to be claimed) by its push time; NaN if it carries
     * none, 0 if it was claimed in the meantime.
     */
    private double ageOfNext(long now) {
        List<JobRecord> next = queue.list(0, 1);
        if (next.isEmpty()) {
            return 0;
        }
        try {
            JsonNode pushed = JSON.readTree(next.get(0).payload()).get(PUSH_TIME_FIELD);
            if (pushed == null || !pushed.canConvertToLong() || pushed.asLong() <= 0) {
                return Double.NaN;
            }
            return Math.max(0, now - pushed.asLong());
        } catch (Exception e) {
            LOG.debug("The next job's payload does not parse; its age is unknown", e);
            return Double.NaN;
        }
    }
}
