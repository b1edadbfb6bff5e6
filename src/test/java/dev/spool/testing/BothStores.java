package dev.spool.testing;

import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs every test of the annotated class once on SQLite and once on PostgreSQL. The class receives the store in a
 * {@code @Parameter Store store} field (or as its constructor's first parameter) and gets its server from
 * {@link SharedServers} (one per store for the class) or {@link TestServer#start(Store)} (one per test).
 * Without {@code SPOOL_TEST_POSTGRES_URL} each PostgreSQL test is skipped, with that reason.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedClass(name = "on {0}")
@EnumSource(Store.class)
public @interface BothStores {
}
