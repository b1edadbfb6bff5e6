package dev.spool.webhook;

import dev.spool.concurrent.WakeUp;
import dev.spool.config.Config;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends due deliveries: claims them from the database (so any number of processes can share the work), sends each
 * on a virtual thread, and records the attempt, the webhook's status and the delivery's next state in one
 * transaction. It wakes when a delivery is inserted in this process, when one finishes (the next event of the same
 * resource may now go) and otherwise polls.
 */
public final class WebhookDispatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);
    private static final int MAX_IN_FLIGHT = 16;
    // Longer than any one send may take, so a live dispatcher keeps its claims.
    private static final Duration LEASE_MARGIN = Duration.ofSeconds(30);
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(2);

    private final String owner = "webhooks-" + UUID.randomUUID();
    private final Deliveries deliveries;
    private final WebhookRepository webhooks;
    private final WebhookLogs logs;
    private final WebhookSender sender;
    private final WakeUp wakeUp;
    private final RetryPolicy retries;
    private final Duration lease;
    private final Duration pollInterval;
    private final Clock clock;
    private final DeliveryObserver observer;
    private final Semaphore slots = new Semaphore(MAX_IN_FLIGHT);
    private final ExecutorService sends = Executors.newVirtualThreadPerTaskExecutor();
    private volatile boolean closed;
    private Thread loop;

    public WebhookDispatcher(
            Deliveries deliveries,
            WebhookRepository webhooks,
            WebhookLogs logs,
            WebhookSender sender,
            WakeUp wakeUp,
            Config.Webhooks config,
            Duration pollInterval,
            Clock clock,
            DeliveryObserver observer) {
        this.deliveries = deliveries;
        this.webhooks = webhooks;
        this.logs = logs;
        this.sender = sender;
        this.wakeUp = wakeUp;
        this.retries = new RetryPolicy(config.retryBase(), config.retryCap(), config.retryWindow());
        this.lease = config.timeout().plus(LEASE_MARGIN);
        this.pollInterval = pollInterval;
        this.clock = clock;
        this.observer = observer;
    }

    public WebhookDispatcher start() {
        loop = Thread.ofPlatform().daemon().name("spool-webhooks").start(this::loop);
        return this;
    }

    private void loop() {
        while (!closed) {
            try {
                long seen = wakeUp.generation();
                int free = slots.availablePermits();
                var claimed = free == 0
                        ? List.<Deliveries.Due>of()
                        : deliveries.claim(owner, free, clock.millis(), clock.millis() + lease.toMillis());
                for (var due : claimed) {
                    slots.acquire();
                    sends.execute(() -> {
                        try {
                            deliver(due);
                        } finally {
                            slots.release();
                            wakeUp.wake();
                        }
                    });
                }
                if (claimed.isEmpty()) {
                    wakeUp.await(seen, pollInterval);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn(
                        "webhook dispatch failed ({}); trying again in {} ms", e.getMessage(), pollInterval.toMillis());
                sleep(pollInterval);
            }
        }
    }

    private void deliver(Deliveries.Due due) {
        try {
            var target = webhooks.target(due.webhookId());
            if (target.isEmpty()) {
                webhooks.jdbi()
                        .useTransaction(h -> deliveries.finish(
                                h, due, owner, Deliveries.State.DROPPED, clock.millis(), clock.millis()));
                observer.attempted("dropped");
                return;
            }
            var attempt = sender.send(target.get().url(), target.get().sharedSecret(), due::body);
            long now = clock.millis();
            String outcome = webhooks.jdbi().inTransaction(h -> {
                logs.record(h, due.webhookId(), due.eventId(), due.event(), attempt);
                if (attempt.success()) {
                    deliveries.finish(h, due, owner, Deliveries.State.DELIVERED, now, now);
                    return "delivered";
                }
                var next = attempt.retriable()
                        ? retries.next(due.attempts(), due.createdAt(), now, attempt.retryAfter())
                        : OptionalLong.empty();
                if (next.isPresent()) {
                    deliveries.finish(h, due, owner, Deliveries.State.PENDING, next.getAsLong(), now);
                    return "retrying";
                }
                log.info(
                        "giving up on event {} ({}) for webhook {} after {} attempt(s): {}",
                        due.eventId(),
                        due.event(),
                        due.webhookId(),
                        due.attempts(),
                        attempt.error());
                deliveries.finish(h, due, owner, Deliveries.State.FAILED, now, now);
                return "failed";
            });
            observer.attempted(outcome);
        } catch (InterruptedException e) {
            // Shutting down: the claim is released and the delivery is sent again later.
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn(
                    "delivering event {} to webhook {} failed ({}); it is retried when its lease ends",
                    due.eventId(),
                    due.webhookId(),
                    e.getMessage());
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops claiming, gives sends in flight a moment, then hands back what it still holds. */
    @Override
    public void close() {
        closed = true;
        if (loop != null) {
            loop.interrupt();
            try {
                loop.join(SHUTDOWN_GRACE.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        sends.shutdown();
        try {
            if (!sends.awaitTermination(SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                sends.shutdownNow();
                sends.awaitTermination(SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deliveries.release(owner, clock.millis());
    }
}
