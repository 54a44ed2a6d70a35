package dev.actionqueues.deferred.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The slots of {@link LeaseTable}: a receipt names a slot, freed slots are reused, nothing else
 * finds an entry. After each test the table must still hold its invariants.
 */
class LeaseTableTest {

    private final LeaseTable table = new LeaseTable();

    @AfterEach
    void checkInvariants() {
        table.checkInvariants();
    }

    private static MemoryEntry entry(String id) {
        return new MemoryEntry(id, "payload", 0);
    }

    @Test
    void receiptsNameTheSlotsFromZero() {
        MemoryEntry a = entry("a");
        MemoryEntry b = entry("b");
        MemoryEntry c = entry("c");

        assertThat(List.of(table.add(a), table.add(b), table.add(c))).containsExactly("0", "1", "2");
        assertThat(table.find("0")).isSameAs(a);
        assertThat(table.find("1")).isSameAs(b);
        assertThat(table.find("2")).isSameAs(c);
        assertThat(b.slot).isEqualTo(1);
        assertThat(table.size()).isEqualTo(3);
        assertThat(table.isEmpty()).isFalse();
    }

    @Test
    void aFreedSlotIsReusedAndItsReceiptThenNamesTheNewEntry() {
        MemoryEntry a = entry("a");
        MemoryEntry b = entry("b");
        table.add(a);
        String receiptOfB = table.add(b);

        table.remove(b);
        assertThat(b.slot).isEqualTo(-1);
        assertThat(table.find(receiptOfB)).isNull();
        MemoryEntry c = entry("c");
        String receiptOfC = table.add(c);

        assertThat(receiptOfC).as("the same slot, and the same String: no allocation per lease").isSameAs(receiptOfB);
        assertThat(table.find(receiptOfC)).isSameAs(c);
        assertThat(table.size()).isEqualTo(2);
    }

    @Test
    void theLastSlotFreedIsTheFirstReused() {
        List<MemoryEntry> entries = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            entries.add(entry("e" + i));
            table.add(entries.get(i));
        }
        table.remove(entries.get(1));
        table.remove(entries.get(3));

        assertThat(table.add(entry("x"))).isEqualTo("3");
        assertThat(table.add(entry("y"))).isEqualTo("1");
        assertThat(table.add(entry("z"))).isEqualTo("4");
    }

    @Test
    void removingAnEntryThatIsNotInItsSlotChangesNothing() {
        MemoryEntry a = entry("a");
        table.add(a);
        table.remove(a);
        MemoryEntry b = entry("b");
        table.add(b);
        a.slot = b.slot;

        table.remove(a);
        table.remove(entry("never added"));

        assertThat(table.size()).isEqualTo(1);
        assertThat(table.find("0")).isSameAs(b);
        assertThat(b.slot).isZero();
    }

    @Test
    void receiptsThatNameNoOccupiedSlotFindNothing() {
        table.add(entry("a"));
        table.add(entry("b"));
        table.remove(table.find("1"));

        assertThat(table.find("1")).as("a freed slot").isNull();
        assertThat(table.find("2")).as("a slot never used").isNull();
        assertThat(table.find("999999999")).as("far past the table").isNull();
        assertThat(table.find("1234567890")).as("more digits than a slot number has").isNull();
        for (String notANumber : List.of("", "-0", "+0", " 0", "0 ", "x", "0x0", "\u0660")) {
            assertThat(table.find(notANumber)).as("receipt '%s'", notANumber).isNull();
        }
        assertThat(table.find("0")).isNotNull();
    }

    @Test
    void theTableGrowsPastItsFirstCapacity() {
        List<MemoryEntry> entries = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            MemoryEntry e = entry("e" + i);
            entries.add(e);
            assertThat(table.add(e)).isEqualTo(Integer.toString(i));
        }

        assertThat(table.size()).isEqualTo(100);
        for (int i = 0; i < 100; i++) {
            assertThat(table.find(Integer.toString(i))).isSameAs(entries.get(i));
        }
    }

    @Test
    void forEachVisitsTheOccupiedSlotsInSlotOrder() {
        MemoryEntry a = entry("a");
        MemoryEntry b = entry("b");
        MemoryEntry c = entry("c");
        table.add(a);
        table.add(b);
        table.add(c);
        table.remove(b);

        List<MemoryEntry> seen = new ArrayList<>();
        table.forEach(seen::add);

        assertThat(seen).containsExactly(a, c);
    }

    @Test
    void clearEmptiesTheTableAndStartsAgainAtSlotZero() {
        table.add(entry("a"));
        table.add(entry("b"));

        table.clear();

        assertThat(table.size()).isZero();
        assertThat(table.isEmpty()).isTrue();
        assertThat(table.find("0")).isNull();
        List<MemoryEntry> seen = new ArrayList<>();
        table.forEach(seen::add);
        assertThat(seen).isEmpty();
        MemoryEntry c = entry("c");
        assertThat(table.add(c)).isEqualTo("0");
        assertThat(table.find("0")).isSameAs(c);
    }
}
