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
}
