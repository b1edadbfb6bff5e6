package dev.spool.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.LoggerFactory;

/**
 * Everything the server says while it is open: every log event (message, arguments and stack traces) and whatever is
 * printed to standard output or error. Spool's own loggers are captured at every level, TRACE and DEBUG included
 * (switched on while it is open, kept off the console); libraries at the level the configuration sets, since their
 * wire-level DEBUG traces (Jetty dumps raw requests, Authorization headers and all) are off in every configuration.
 * Tests use it to prove that something (a credential, a key) is never said.
 */
public final class CapturedOutput implements AutoCloseable {
    private final StringBuffer text = new StringBuffer();
    private final PrintStream originalOut = System.out;
    private final PrintStream originalErr = System.err;
    private final Appender appender = new Appender();
    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Logger spool = context.getLogger("dev.spool");
    private final Level spoolLevel = spool.getLevel();
    private final Level spoolConfigured = spool.getEffectiveLevel();
    private volatile boolean closed;
    private final Filter<ILoggingEvent> asConfigured = new Filter<>() {
        @Override
        public FilterReply decide(ILoggingEvent event) {
            return closed
                            || event.getLevel().isGreaterOrEqual(spoolConfigured)
                            || !event.getLoggerName().startsWith("dev.spool.")
                    ? FilterReply.NEUTRAL
                    : FilterReply.DENY;
        }
    };

    private final class Appender extends AppenderBase<ILoggingEvent> {
        @Override
        protected void append(ILoggingEvent event) {
            text.append(event.getLevel())
                    .append(' ')
                    .append(event.getLoggerName())
                    .append(" - ")
                    .append(event.getFormattedMessage())
                    .append('\n');
            if (event.getThrowableProxy() != null) {
                text.append(ThrowableProxyUtil.asString(event.getThrowableProxy()))
                        .append('\n');
            }
        }
    }

    private CapturedOutput() {
        appender.setContext(root.getLoggerContext());
        appender.start();
        root.iteratorForAppenders().forEachRemaining(console -> console.addFilter(asConfigured));
        spool.setLevel(Level.ALL);
        root.addAppender(appender);
        System.setOut(tee(originalOut));
        System.setErr(tee(originalErr));
    }

    public static CapturedOutput start() {
        return new CapturedOutput();
    }

    public String text() {
        return text.toString();
    }

    @Override
    public void close() {
        System.setOut(originalOut);
        System.setErr(originalErr);
        root.detachAppender(appender);
        spool.setLevel(spoolLevel);
        // Logback cannot detach one filter: once closed it lets everything through.
        closed = true;
        appender.stop();
    }

    private PrintStream tee(PrintStream original) {
        var captured = new ByteArrayOutputStream() {
            @Override
            public synchronized void flush() {
                text.append(toString(StandardCharsets.UTF_8));
                reset();
            }
        };
        var both = new OutputStream() {
            @Override
            public void write(int b) {
                original.write(b);
                captured.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                original.write(b, off, len);
                captured.write(b, off, len);
            }

            @Override
            public void flush() {
                original.flush();
                captured.flush();
            }
        };
        return new PrintStream(both, true, StandardCharsets.UTF_8);
    }
}
