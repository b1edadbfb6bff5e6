package dev.spool.metrics;

import dev.spool.media.EncodeObserver;
import dev.spool.media.PipelineResult;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;

/** Encode speed of each finished pipeline run: seconds of media per second of wall time (2.0 is twice real time). */
public final class EncodeMetrics implements EncodeObserver {
    private final DistributionSummary speed;

    public EncodeMetrics(MeterRegistry registry) {
        this.speed = DistributionSummary.builder("spool.encode.speed")
                .description("Seconds of media encoded per second of wall time, per pipeline run")
                .serviceLevelObjectives(0.25, 0.5, 1, 2, 4, 8, 16, 32)
                .register(registry);
    }

    @Override
    public void finished(PipelineResult result, Duration wall) {
        Double media = result.inputSpec().duration();
        if (media != null && media > 0 && !wall.isZero()) {
            speed.record(media / (wall.toNanos() / 1e9));
        }
    }
}
