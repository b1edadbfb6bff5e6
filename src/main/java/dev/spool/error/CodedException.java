package dev.spool.error;

/**
 * The checked exceptions that are {@link CodedFailure}s share this: the code and retriable flag set once, at
 * construction, and read back unchanged.
 */
public abstract class CodedException extends Exception implements CodedFailure {
    private final String code;
    private final boolean retriable;

    protected CodedException(String code, String message, boolean retriable) {
        super(message);
        this.code = code;
        this.retriable = retriable;
    }

    protected CodedException(String code, String message, boolean retriable, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.retriable = retriable;
    }

    @Override
    public final String code() {
        return code;
    }

    @Override
    public final boolean retriable() {
        return retriable;
    }
}
