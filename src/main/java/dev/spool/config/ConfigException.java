package dev.spool.config;

/** A setting that cannot be used; its message names the setting and what it accepts. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
