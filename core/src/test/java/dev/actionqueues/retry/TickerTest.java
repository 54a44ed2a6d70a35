package dev.actionqueues.retry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TickerTest {

    @Test
    void theSystemTickerReadsTheJvmsMonotonicClock() {
        long before = System.nanoTime();
        long read = Ticker.system().read();
        long after = System.nanoTime();

        assertThat(read).isBetween(before, after);
        assertThat(Ticker.system()).isSameAs(Ticker.system());
    }
}
