package dev.actionqueues.deferred;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.actionqueues.deferred.memory.InMemoryBackendFactory;
import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.deferred.spi.JobQueue;
import dev.actionqueues.deferred.spi.Lease;
import dev.actionqueues.deferred.spi.NewJob;
import dev.actionqueues.deferred.spi.WorkerLease;
import dev.actionqueues.deferred.spi.WorkerRecord;
import dev.actionqueues.deferred.spi.WorkerRegistry;
import dev.actionqueues.deferred.spi.WorkerStatus;
import dev.actionqueues.testkit.FakeTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The heartbeat and the reclaim of dead workers' leases, on fake time: two workers' heartbeats over
 * one in-memory backend, stepped by hand (no thread, no real wait).
 */
class WorkerHeartbeatTest {

    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final Duration INTERVAL = Duration.ofSeconds(1);
    private static final Duration DEAD_AFTER = Duration.ofSeconds(3);

    private final FakeTime time = new FakeTime();
    private final Backend backend = InMemoryBackendFactory.create(time).createBackendForGroup("hb");
    private final JobQueue queue = backend.queue();

    /** A worker's heartbeat with {@code slots} running jobs, over {@code registry}. */
    private final class Member {
        final WorkerContext ctx;
        final List<ConsumerSlot> slots = new ArrayList<>();
        final WorkerHeartbeat heartbeat;

        Member(String name, int slots, WorkerRegistry registry) {
            ctx = new WorkerContext(queue, name, "hb", LEASE, INTERVAL, INTERVAL, time, time);
            for (int i = 0; i < slots; i++) {
                this.slots.add(new ConsumerSlot());
            }
            heartbeat = new WorkerHeartbeat(ctx, registry, name, "host", 7, slots, this.slots, new Prefetch(ctx, 0),
                    INTERVAL, DEAD_AFTER);
        }

        Member(String name, int slots) {
            this(name, slots, backend.workerRegistry());
        }

        /** Claims a job into slot {@code i}, as the consumer loop does. */
        Lease run(int i) throws InterruptedException {
            Lease l = queue.claim(LEASE, Duration.ZERO).orElseThrow();
            slots.get(i).running.set(l);
            return l;
        }
    }

    private List<WorkerRecord> live() {
        return backend.workerRegistry().list(Duration.ofMinutes(1));
    }

    @Test
    void aDeadWorkersLeasesEndWhenItsHeartbeatHasBeenSilentForTheThresholdAndNotBefore() throws Exception {
        queue.push(NewJob.of("j1", "p1"));
        queue.push(NewJob.of("j2", "p2"));
        Member dead = new Member("dead", 2);
        Member live = new Member("live", 1);
        Lease l1 = dead.run(0);
        Lease l2 = dead.run(1);
        dead.heartbeat.tick();
        live.heartbeat.tick();

        time.advance(DEAD_AFTER.minusMillis(1));
        assertThat(live.heartbeat.reap()).as("silent for 2.999 s: alive").isZero();
        assertThat(queue.claim(LEASE, Duration.ZERO)).isEmpty();
        time.advance(Duration.ofMillis(1));
        assertThat(live.heartbeat.reap()).as("silent for 3 s: dead").isEqualTo(2);

        Lease again1 = queue.claim(LEASE, Duration.ZERO).orElseThrow();
        Lease again2 = queue.claim(LEASE, Duration.ZERO).orElseThrow();
        assertThat(List.of(again1.jobId(), again2.jobId())).containsExactlyInAnyOrder("j1", "j2");
        assertThat(again1.deliveries()).isEqualTo(2);
        assertThat(queue.complete(l1)).as("the dead worker's completion is stale").isFalse();
        assertThat(queue.complete(l2)).isFalse();
        assertThat(live()).extracting(WorkerRecord::name).containsExactly("live");
        assertThat(live.heartbeat.reap()).as("taken over once").isZero();
    }

    @Test
    void aJobCompletedOrReLeasedSinceTheLastHeartbeatIsLeftAlone() throws Exception {
        queue.push(NewJob.of("done", "p"));
        queue.push(NewJob.of("moved", "p"));
        Member dead = new Member("dead", 2);
        Member live = new Member("live", 0);
        Lease done = dead.run(0);
        Lease moved = dead.run(1);
        dead.heartbeat.tick();
        queue.complete(done);
        queue.expire(WorkerLease.of(moved));
        Lease current = queue.claim(LEASE, Duration.ZERO).orElseThrow();

        time.advance(DEAD_AFTER);
        assertThat(live.heartbeat.reap()).isZero();

        assertThat(queue.claim(LEASE, Duration.ZERO)).isEmpty();
        assertThat(queue.complete(current)).as("the new holder is untouched").isTrue();
    }

    @Test
    void theHeartbeatListsLeasesAndBeatsEarlyWhenItHoldsANewOne() throws Exception {
        queue.push(NewJob.of("j", "p"));
        Member m = new Member("m", 2);
        m.heartbeat.tick();
        assertThat(live()).singleElement().satisfies(r -> assertThat(r.leases()).isEmpty());

        Lease l = m.run(0);
        time.advance(INTERVAL.dividedBy(4));
        m.heartbeat.tick();

        WorkerRecord r = live().get(0);
        assertThat(r.leases()).containsExactly(WorkerLease.of(l));
        assertThat(r.inFlight()).isEqualTo(1);
        assertThat(r.concurrency()).isEqualTo(2);
        assertThat(r.lastSeen()).isEqualTo(time.instant());

        time.advance(INTERVAL.dividedBy(4));
        m.heartbeat.tick();
        assertThat(live().get(0).lastSeen()).as("nothing new: no beat before the interval")
                .isEqualTo(time.instant().minus(INTERVAL.dividedBy(4)));
        time.advance(INTERVAL);
        m.heartbeat.tick();
        assertThat(live().get(0).lastSeen()).isEqualTo(time.instant());
    }

    @Test
    void theThreadBeatsEveryIntervalAndLooksForDeadWorkersEveryHalfInterval() throws Exception {
        List<String> calls = new ArrayList<>();
        WorkerRegistry recording = new RecordingRegistry(backend.workerRegistry(), calls, time);
        Member m = new Member("m", 1, recording);
        for (int i = 0; i < 8; i++) {
            m.heartbeat.tick();
            time.advance(INTERVAL.dividedBy(4));
        }
        assertThat(calls).containsExactly("beat@0", "silent@0", "silent@500", "beat@1000", "silent@1000",
                "silent@1500");
    }

    @Test
    void aWorkerNeverReapsItselfAndAStoppedWorkerIsNotReaped() throws Exception {
        Member a = new Member("a", 1);
        Member b = new Member("b", 1);
        a.heartbeat.tick();
        b.heartbeat.tick();
        b.heartbeat.stop(Duration.ZERO);
        time.advance(DEAD_AFTER.multipliedBy(2));

        assertThat(a.heartbeat.reap()).as("only its own record is silent").isZero();
        assertThat(live()).extracting(WorkerRecord::name).containsExactly("a");
    }

    @Test
    void aFailingRegistryIsLoggedOnceAsAnOutageAndNeverThrown() {
        FailingRegistry failing = new FailingRegistry(backend.workerRegistry());
        Member m = new Member("m", 1, failing);
        try (LogCapture log = new LogCapture(Worker.class)) {
            failing.down = true;
            m.heartbeat.tick();
            time.advance(INTERVAL);
            m.heartbeat.tick();
            assertThat(m.heartbeat.outages.inOutage()).isTrue();
            assertThat(m.ctx.outages.inOutage()).as("the consumers' outage log is apart").isFalse();
            assertThat(log.at(Level.WARN)).singleElement().satisfies(e -> assertThat(e.getFormattedMessage())
                    .contains("m (heartbeat)", "recording this worker's heartbeat"));

            failing.down = false;
            time.advance(INTERVAL);
            m.heartbeat.tick();
            assertThat(m.heartbeat.outages.inOutage()).isFalse();
            assertThat(live()).extracting(WorkerRecord::name).containsExactly("m");
        }
    }

    @Test
    void aWorkerRecordsItselfWhileRunningAndRemovesItsRecordOnShutdown() throws Exception {
        Backend real = InMemoryBackendFactory.create().createBackendForGroup("w");
        Deferrable deferrable = Deferrable.builder(real).build();
        Worker worker = Worker.builder(deferrable).concurrency(3).build().start();
        String name = worker.registryName().orElseThrow();
        await().atMost(10, TimeUnit.SECONDS).until(() -> deferrable.admin().workers(Duration.ofMinutes(1)).stream()
                .anyMatch(r -> r.name().equals(name) && r.concurrency() == 3 && r.group().equals("w")));
        assertThat(name).contains("-" + ProcessHandle.current().pid() + "-");

        worker.shutdown(Duration.ofSeconds(5));
        assertThat(real.workerRegistry().list(Duration.ofMinutes(1))).isEmpty();
    }

    @Test
    void withoutARegistryTheWorkerDoesNotHeartbeat() throws Exception {
        Backend plain = new Backend("plain", backend.queue(), backend.errorQueue());
        Deferrable d = Deferrable.builder(plain).build();
        try (Worker worker = Worker.builder(d).build()) {
            assertThat(worker.registryName()).isEmpty();
        }
        assertThat(d.admin().workers(Duration.ofMinutes(1))).isEmpty();
    }

    @Test
    void theDeadThresholdMustBeAtLeastTwoHeartbeats() {
        Deferrable d = Deferrable.builder(backend).build();
        assertThatThrownBy(() -> Worker.builder(d).heartbeatInterval(Duration.ofSeconds(2)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deadWorkerAfter");
        assertThatThrownBy(() -> Worker.builder(d).deadWorkerAfter(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Records each heartbeat and silent-list call with the fake time in ms. */
    private record RecordingRegistry(WorkerRegistry to, List<String> calls, FakeTime time) implements WorkerRegistry {
        private String at() {
            return "@" + Duration.ofNanos(time.read()).toMillis();
        }

        @Override
        public void heartbeat(WorkerStatus status, Duration expireAfter) {
            calls.add("beat" + at());
            to.heartbeat(status, expireAfter);
        }

        @Override
        public List<WorkerRecord> list(Duration seenWithin) {
            return to.list(seenWithin);
        }

        @Override
        public List<WorkerRecord> silent(Duration silentFor) {
            calls.add("silent" + at());
            return to.silent(silentFor);
        }

        @Override
        public Optional<WorkerRecord> takeOver(String name, Duration silentFor) {
            return to.takeOver(name, silentFor);
        }

        @Override
        public boolean remove(String name) {
            return to.remove(name);
        }
    }

    /** Fails every call while {@link #down}. */
    private static final class FailingRegistry implements WorkerRegistry {
        private final WorkerRegistry to;
        volatile boolean down;

        FailingRegistry(WorkerRegistry to) {
            this.to = to;
        }

        private void check() {
            if (down) {
                throw new BackendException("registry down");
            }
        }

        @Override
        public void heartbeat(WorkerStatus status, Duration expireAfter) {
            check();
            to.heartbeat(status, expireAfter);
        }

        @Override
        public List<WorkerRecord> list(Duration seenWithin) {
            check();
            return to.list(seenWithin);
        }

        @Override
        public List<WorkerRecord> silent(Duration silentFor) {
            check();
            return to.silent(silentFor);
        }

        @Override
        public Optional<WorkerRecord> takeOver(String name, Duration silentFor) {
            check();
            return to.takeOver(name, silentFor);
        }

        @Override
        public boolean remove(String name) {
            check();
            return to.remove(name);
        }
    }
}
