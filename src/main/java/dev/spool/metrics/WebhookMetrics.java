package dev.spool.metrics;

import dev.spool.webhook.DeliveryObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Webhook delivery attempts by how they ended. */
public final class WebhookMetrics implements DeliveryObserver {
    private final MeterRegistry registry;

    public WebhookMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void attempted(String outcome) {
        Counter.builder("spool.webhook.deliveries")
                .tag("outcome", outcome)
                .description("Webhook delivery attempts by outcome")
                .register(registry)
                .increment();
    }
}
