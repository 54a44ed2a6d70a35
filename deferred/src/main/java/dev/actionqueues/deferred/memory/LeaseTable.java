package dev.actionqueues.deferred.memory;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Leased entries in numbered slots. A lease's receipt is its slot number, so completing or
 * renewing it finds the entry without hashing; the fencing token and id then confirm it.
 * Guarded by the store's lock.
 */
final class LeaseTable {

    private MemoryEntry[] slots = new MemoryEntry[16];
    private String[] receipts = new String[16];
    private int[] free = new int[16];
    private int freeCount;
    private int highWater;
    private int size;

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Puts the entry in a free slot; returns the slot's receipt. */
    String add(MemoryEntry e) {
        int i;
        if (freeCount > 0) {
            i = free[--freeCount];
        } else {
            i = highWater++;
            if (i == slots.length) {
                slots = Arrays.copyOf(slots, i * 2);
                receipts = Arrays.copyOf(receipts, i * 2);
                free = Arrays.copyOf(free, i * 2);
            }
        }
        slots[i] = e;
        e.slot = i;
        size++;
        String r = receipts[i];
        if (r == null) {
            r = Integer.toString(i);
            receipts[i] = r;
        }
        return r;
    }

    void remove(MemoryEntry e) {
        int i = e.slot;
        if (i < 0 || slots[i] != e) {
            return;
        }
        slots[i] = null;
        free[freeCount++] = i;
        e.slot = -1;
        size--;
    }

    /** The entry in the slot the receipt names, or null for an empty slot or a receipt of no slot. */
    MemoryEntry find(String receipt) {
        int n = receipt.length();
        if (n == 0 || n > 9) {
            return null;
        }
        int i = 0;
        for (int k = 0; k < n; k++) {
            char c = receipt.charAt(k);
            if (c < '0' || c > '9') {
                return null;
            }
            i = i * 10 + (c - '0');
        }
        return i < highWater ? slots[i] : null;
    }

    void forEach(Consumer<MemoryEntry> action) {
        for (int i = 0; i < highWater; i++) {
            MemoryEntry e = slots[i];
            if (e != null) {
                action.accept(e);
            }
        }
    }

    void clear() {
        Arrays.fill(slots, 0, highWater, null);
        freeCount = 0;
        highWater = 0;
        size = 0;
    }

    /**
     * Checks the table's own invariants; for tests: an occupied slot's entry knows its slot, the
     * size counts the occupied slots, the free list names each empty slot below the high-water
     * mark once, nothing is above it, and a receipt is its slot's number.
     *
     * @throws IllegalStateException describing the first invariant found broken
     */
    void checkInvariants() {
        int occupied = 0;
        for (int i = 0; i < slots.length; i++) {
            MemoryEntry e = slots[i];
            if (e != null) {
                occupied++;
                check(i < highWater, "slot %d is occupied, above the high-water mark %d", i, highWater);
                check(e.slot == i, "the entry %s in slot %d says it is in slot %d", e.id, i, e.slot);
            }
            check(receipts[i] == null || receipts[i].equals(Integer.toString(i)), "slot %d has receipt '%s'",
                    i, receipts[i]);
        }
        check(occupied == size, "size %d, but %d occupied slots", size, occupied);
        check(freeCount + size == highWater, "%d free and %d occupied slots, but a high-water mark of %d",
                freeCount, size, highWater);
        boolean[] listed = new boolean[highWater];
        for (int k = 0; k < freeCount; k++) {
            int i = free[k];
            check(i >= 0 && i < highWater, "free slot %d is not below the high-water mark %d", i, highWater);
            check(!listed[i], "slot %d is listed free twice", i);
            listed[i] = true;
            check(slots[i] == null, "slot %d is listed free but occupied", i);
        }
    }

    private static void check(boolean holds, String format, Object... args) {
        if (!holds) {
            throw new IllegalStateException(String.format(format, args));
        }
    }
}
