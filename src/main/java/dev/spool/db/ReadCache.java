package dev.spool.db;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Values read from the store, kept for as long as the store's {@link Notifications} can vouch for them: the owner
 * subscribes {@link #forget} and {@link #forgetAll} to the changes that make them stale. While the notifications are
 * not {@link Notifications#live() live} every read goes to the store. A read that overlapped any forgetting is not
 * kept (the change may have committed after it looked), so what is kept is never older than what was last heard.
 */
public final class ReadCache<K, V> {
    private record Entry<V>(V value, long storedAtNanos) {}

    private final BooleanSupplier live;
    private final int maxEntries;
    private final long maxAgeNanos;
    private final ConcurrentHashMap<K, Entry<V>> entries = new ConcurrentHashMap<>();
    private final AtomicLong forgets = new AtomicLong();

    /**
     * @param live whether what was heard is current ({@link Notifications#live()})
     * @param maxAge how long an entry may be kept at most, for the changes no notification tells of
     */
    public ReadCache(BooleanSupplier live, int maxEntries, Duration maxAge) {
        this.live = live;
        this.maxEntries = maxEntries;
        this.maxAgeNanos = maxAge.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE : maxAge.toNanos();
    }

    /** The kept value, or {@code load}'s (never null), kept when nothing was forgotten while it ran. */
    public V get(K key, Supplier<V> load) {
        if (!live.getAsBoolean()) {
            return load.get();
        }
        long now = System.nanoTime();
        var kept = entries.get(key);
        if (kept != null && now - kept.storedAtNanos() < maxAgeNanos) {
            return kept.value();
        }
        long before = forgets.get();
        V loaded = load.get();
        if (forgets.get() == before) {
            if (entries.size() >= maxEntries) {
                entries.clear();
            }
            entries.put(key, new Entry<>(loaded, now));
            // A forget that ran between the check and the put did not see this entry.
            if (forgets.get() != before) {
                entries.remove(key);
            }
        }
        return loaded;
    }

    /** A change to what {@code key} names committed. */
    public void forget(K key) {
        forgets.incrementAndGet();
        entries.remove(key);
    }

    /** Changes may have been missed, or touch every entry. */
    public void forgetAll() {
        forgets.incrementAndGet();
        entries.clear();
    }
}
