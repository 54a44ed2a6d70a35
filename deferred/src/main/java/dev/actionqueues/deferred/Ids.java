package dev.actionqueues.deferred;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Job ids: random version-4 UUIDs from a thread-local generator (cheaper than SecureRandom). */
final class Ids {

    private Ids() {
    }

    static String newId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long msb = (r.nextLong() & 0xffffffffffff0fffL) | 0x0000000000004000L;
        long lsb = (r.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }
}
