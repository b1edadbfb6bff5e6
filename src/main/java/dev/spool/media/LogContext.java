package dev.spool.media;

import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.MDC;

/** Carries the logging context (the task's ids) of the thread that starts work into the threads that do it. */
public final class LogContext {
    private LogContext() {}

    public static Runnable carried(Runnable work) {
        Map<String, String> context = MDC.getCopyOfContextMap();
        return () -> {
            set(context);
            try {
                work.run();
            } finally {
                MDC.clear();
            }
        };
    }

    static <T> Callable<T> carried(Callable<T> work) {
        Map<String, String> context = MDC.getCopyOfContextMap();
        return () -> {
            set(context);
            try {
                return work.call();
            } finally {
                MDC.clear();
            }
        };
    }

    private static void set(Map<String, String> context) {
        if (context != null) {
            MDC.setContextMap(context);
        }
    }
}
