package dev.actionqueues.deferred;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.actionqueues.deferred.RunOutcome.Status;
import dev.actionqueues.deferred.spi.QueueStats;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Producer-only handles, typed arguments, bulk and asynchronous enqueue. */
class ProducerApiTest {

    record Item(String sku, int quantity) {
    }

    record Shipment(String id, Instant shippedAt, LocalDate due) {
    }

    interface Shape {
    }

    record Drawing(String name, Shape shape) {
    }

    record Callback(String name, Runnable action) {
    }

    record Amounts(Number total, CharSequence label, java.util.List<Number> parts) {
    }

    private final Fixture f = new Fixture();
    private final Deferrable consumer = f.deferrable();

    @Test
    void aProducerEnqueuesWithoutAHandlerWithItsOptionsAndTheConsumerRunsTheJob() {
        TaskDescriptor<Item> restock = TaskDescriptor.of("stock.restock", Item.class)
                .withOptions(TaskOptions.builder().delay(Duration.ofSeconds(5)).build());
        List<Item> ran = new ArrayList<>();
        consumer.register(restock, ran::add);
        Deferrable producer = f.deferrable();

        LaterResult r = producer.task(restock).later(new Item("A-1", 3));

        assertThat(r.delay()).as("the producer's delay").isEqualTo(Duration.ofSeconds(5));
        assertThat(producer.task(restock).name()).as("declaring twice is fine").isEqualTo("stock.restock");
        f.time.advance(Duration.ofSeconds(5));
        assertThat(consumer.runOnce().status()).isEqualTo(Status.RAN);
        assertThat(ran).containsExactly(new Item("A-1", 3));
    }

    @Test
    void genericArgumentsAreDecodedIntoTheirElementTypes() {
        TaskDescriptor<List<Item>> batch = TaskDescriptor.of("stock.batch", new TypeReference<List<Item>>() { });
        List<Item> seen = new ArrayList<>();
        TaskHandle<List<Item>> t = consumer.register(batch, items -> items.forEach(seen::add));

        t.later(List.of(new Item("A-1", 1), new Item("B-2", 2)));

        assertThat(consumer.runOnce().status()).isEqualTo(Status.RAN);
        assertThat(seen).containsExactly(new Item("A-1", 1), new Item("B-2", 2));
    }

    @Test
    void javaTimeValuesTravelAsIso8601() {
        List<Shipment> seen = new ArrayList<>();
        TaskHandle<Shipment> t = consumer.register("ship", Shipment.class, seen::add);
        Shipment s = new Shipment("s-1", Instant.parse("2026-11-29T10:15:30.123Z"), LocalDate.of(2026, 12, 1));

        t.later(s);

        assertThat(f.queue.list(0, 1).get(0).payload())
                .contains("\"shippedAt\":\"2026-11-29T10:15:30.123Z\"").contains("\"due\":\"2026-12-01\"");
        assertThat(consumer.runOnce().status()).isEqualTo(Status.RAN);
        assertThat(seen).containsExactly(s);
    }

    @Test
    void aFieldTheConsumerDoesNotKnowIsIgnoredSoRecordsCanEvolve() {
        List<Item> seen = new ArrayList<>();
        consumer.register("stock.restock", Item.class, seen::add);
        f.queue.push(dev.actionqueues.deferred.spi.NewJob.of("newer-producer", "{\"v\":1,\"task\":\"stock.restock\","
                + "\"args\":{\"sku\":\"A-1\",\"quantity\":3,\"warehouse\":\"north\"},\"attempts\":0}"));

        assertThat(consumer.runOnce().status()).isEqualTo(Status.RAN);
        assertThat(seen).containsExactly(new Item("A-1", 3));
    }

    @Test
    void aTypeJacksonCannotConstructIsRejectedAtRegistration() {
        assertThatThrownBy(() -> consumer.register("draw", Drawing.class, d -> { }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("arguments.shape").hasMessageContaining("interface")
                .hasMessageContaining(Shape.class.getName());
        assertThatThrownBy(() -> consumer.task(TaskDescriptor.of("shapes", new TypeReference<List<Shape>>() { })))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("arguments (element)");
        assertThatThrownBy(() -> consumer.register("callback", Callback.class, c -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("arguments.action")
                .hasMessageContaining("java.lang.Runnable");
        consumer.register("amounts", Amounts.class, a -> { });
    }

    @Test
    void argumentsThatDoNotFitTheirTypeGoStraightToTheErrorQueue() {
        consumer.register("stock.restock", Item.class, i -> { });
        f.queue.push(dev.actionqueues.deferred.spi.NewJob.of("bad", "{\"v\":1,\"task\":\"stock.restock\","
                + "\"args\":{\"sku\":\"A-1\",\"quantity\":\"many\"},\"attempts\":0}"));

        RunOutcome o = consumer.runOnce();

        assertThat(o.status()).isEqualTo(Status.ERRORED);
        assertThat(o.reason()).contains("do not fit");
        assertThat(f.queue.releaseDelays).as("never retried").isEmpty();
    }

    @Test
    void laterAllPushesInBackendSizedBatchesWithAResultPerJob() {
        List<Integer> ran = new ArrayList<>();
        TaskHandle<Integer> t = consumer.register("n", Integer.class, ran::add);
        int batch = f.queue.capabilities().maxBatchSize();
        List<Integer> args = IntStream.range(0, batch * 2 + 3).boxed().toList();

        List<LaterResult> results = t.laterAll(args, LaterOptions.delay(Duration.ofSeconds(1)));

        assertThat(results).hasSize(args.size()).allSatisfy(r -> assertThat(r.pushed()).isTrue());
        assertThat(results).extracting(LaterResult::jobId).doesNotHaveDuplicates();
        assertThat(f.queue.pushBatches).as("one call per batch").hasValue(3);
        assertThat(f.queue.stats()).isEqualTo(new QueueStats(0, 0, args.size()));
        f.time.advance(Duration.ofSeconds(1));
        while (consumer.runOnce().status() == Status.RAN) {
            // drain
        }
        assertThat(ran).containsExactlyElementsOf(args);
    }

    @Test
    void laterAllChecksEveryElementBeforePushingAny() {
        TaskHandle<Object> t = consumer.register("any", Object.class, o -> { });
        List<Object> args = List.of("fine", new Object() {
            public Object getSelf() {
                return this;
            }
        });

        assertThatThrownBy(() -> t.laterAll(args)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> t.laterAll(List.of("x"), LaterOptions.jobId("j")))
                .hasMessageContaining("no job id");
        assertThat(f.queue.stats().total()).isZero();
    }

    @Test
    void laterAsyncCompletesEachCallOnceItsBatchIsPushed() throws Exception {
        List<Integer> ran = new ArrayList<>();
        TaskHandle<Integer> t = consumer.register("n", Integer.class, ran::add);

        List<CompletableFuture<LaterResult>> futures = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            futures.add(t.laterAsync(i));
        }
        futures.add(t.laterAsync(200, LaterOptions.jobId("async-unique")));
        CompletableFuture<LaterResult> duplicate = t.laterAsync(201, LaterOptions.jobId("async-unique"));
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

        assertThat(futures).allSatisfy(fu -> assertThat(fu.join().pushed()).isTrue());
        assertThat(duplicate.get(10, TimeUnit.SECONDS).duplicate()).isTrue();
        assertThat(f.queue.stats().available()).isEqualTo(201);
        assertThat(f.queue.pushBatches.get()).as("batched, not one call per job").isLessThan(200);
        assertThatThrownBy(() -> t.laterAsync(1, LaterOptions.ttl(Duration.ofSeconds(1)),
                LaterOptions.delay(Duration.ofSeconds(2)))).as("checked at the call")
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFailedAsyncPushFailsItsFuture() {
        TaskHandle<Integer> t = consumer.register("n", Integer.class, n -> { });
        f.queue.failPushes = true;

        CompletableFuture<LaterResult> r = t.laterAsync(1);

        assertThatThrownBy(() -> r.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(BackendException.class);
    }
}
