package dev.actionqueues.sqs;

import dev.actionqueues.deferred.spi.JobRecord;
import dev.actionqueues.sqs.SqsMessages.Incoming;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.sqs.model.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every entry of an error queue, as SQS allows: receive until nothing comes back, hiding what
 * was read for {@value #HIDE_SECONDS} s, then show again what the caller does not take. It is O(n) in
 * calls and hides the entries for the length of a scan, so it suits an error queue (read by
 * operators), not a busy main queue. Entries that SQS itself moved here under the redrive policy
 * (they lack the library's dead-letter mark, so carry no error) are reported once each at WARN.
 * Thread-safe.
 */
final class ErrorScan {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorScan.class);
    static final int HIDE_SECONDS = 60;
    private static final int REPORTED_MAX = 100_000;

    private final SqsCalls calls;
    private final int waitSeconds;
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    ErrorScan(SqsCalls calls, int waitSeconds) {
        this.calls = calls;
        this.waitSeconds = waitSeconds;
    }

    /** Every entry, oldest first; each is hidden until {@link #show} or deleted. */
    List<Incoming> readAll() {
        List<Incoming> all = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        boolean interrupted = Thread.interrupted();
        try {
            long started = System.nanoTime();
            while ((System.nanoTime() - started) / 1_000_000_000L < HIDE_SECONDS / 2) {
                List<Message> batch = calls.receive(10, HIDE_SECONDS, waitSeconds);
                if (batch.isEmpty()) {
                    break;
                }
                boolean repeated = false;
                for (Message m : batch) {
                    Incoming in = SqsMessages.incoming(m);
                    if (seen.add(in.messageId())) {
                        all.add(in);
                        reportRedriven(in);
                    } else {
                        repeated = true;
                    }
                }
                if (repeated) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            interrupted = true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        all.sort(Comparator.comparingLong(Incoming::sentMillis).thenComparing(Incoming::jobId));
        return all;
    }

    /** Makes {@code entries} visible again. */
    void show(List<Incoming> entries) {
        for (int i = 0; i < entries.size(); i += 10) {
            calls.changeVisibilityBatch(entries.subList(i, Math.min(entries.size(), i + 10)).stream()
                    .map(Incoming::receipt).toList(), 0);
        }
    }

    /** Deletes {@code entries}; returns how many SQS deleted. */
    int delete(List<Incoming> entries) {
        int n = 0;
        for (int i = 0; i < entries.size(); i += 10) {
            for (boolean ok : calls.deleteBatch(entries.subList(i, Math.min(entries.size(), i + 10)).stream()
                    .map(Incoming::receipt).toList())) {
                n += ok ? 1 : 0;
            }
        }
        return n;
    }

    private void reportRedriven(Incoming in) {
        if (in.deadLettered() || reported.size() >= REPORTED_MAX || !reported.add(in.messageId())) {
            return;
        }
        if (in.ours()) {
            LOG.warn("Error queue {}: job {} was moved here by SQS's redrive policy, without an error: it was "
                    + "received too many times without finishing (workers died or lost its lease)", calls.name(),
                    in.jobId());
        } else {
            LOG.warn("Error queue {}: message {} was not sent by actionqueues (its body has no actionqueues header)", calls.name(),
                    in.messageId());
        }
    }

    /** The entries from {@code offset}, at most {@code limit}, read in full and shown again. */
    List<JobRecord> list(int offset, int limit) {
        List<Incoming> all = readAll();
        show(all);
        return all.stream().skip(offset).limit(limit).map(in -> new JobRecord(in.jobId(), in.payload())).toList();
    }

    /** The first entry with job id {@code id}, if any; every entry is shown again. */
    Optional<JobRecord> find(String id) {
        List<Incoming> all = readAll();
        show(all);
        return all.stream().filter(in -> in.jobId().equals(id)).findFirst()
                .map(in -> new JobRecord(in.jobId(), in.payload()));
    }

    /** Deletes the entries with job id {@code id}, showing the others again; whether there was one. */
    boolean remove(String id) {
        List<Incoming> all = readAll();
        List<Incoming> matching = all.stream().filter(in -> in.jobId().equals(id)).toList();
        show(all.stream().filter(in -> !in.jobId().equals(id)).toList());
        return delete(matching) > 0;
    }
}
