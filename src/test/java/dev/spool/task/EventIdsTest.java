package dev.spool.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Outbox ids are RFC 9562 UUIDs of version 7: the time first, so that later ids sort after earlier ones. */
class EventIdsTest {
    @Test
    void an_id_is_a_version_7_uuid_carrying_its_milliseconds() {
        long now = 1_796_000_000_000L;

        var id = UUID.fromString(EventIds.next(now));

        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(now);
    }

    @Test
    void ids_of_later_milliseconds_sort_after_earlier_ones_as_the_index_compares_them() {
        var earlier = IntStream.range(0, 1_000)
                .mapToObj(i -> EventIds.next(1_796_000_000_000L))
                .toList();
        var later = IntStream.range(0, 1_000)
                .mapToObj(i -> EventIds.next(1_796_000_000_001L))
                .toList();

        assertThat(earlier)
                .allSatisfy(e -> assertThat(later).allSatisfy(l -> assertThat(l).isGreaterThan(e)));
    }

    @Test
    void ids_of_the_same_millisecond_differ() {
        var ids = new HashSet<String>();
        for (int i = 0; i < 100_000; i++) {
            ids.add(EventIds.next(1_796_000_000_000L));
        }

        assertThat(ids).hasSize(100_000);
    }
}
