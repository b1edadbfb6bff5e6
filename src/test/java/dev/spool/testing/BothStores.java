package dev.spool.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every test of the annotated class once on SQLite and once on PostgreSQL. The class receives the store in a
 * {@code @Parameter Store store} field (or as its constructor's first parameter) and gets its server from
 * {@link SharedServers} (one per store for the class) or {@link TestServer#start(Store)} (one per test).
 * PostgreSQL is the server {@code SPOOL_TEST_POSTGRES_URL} names, else one the tests start themselves (see
 * {@link TestServer#postgresUrl()}). Setting the system property {@code spool.test.store} to {@code sqlite} or
 * {@code postgres} runs only that store.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedClass(name = "[{0}]")
@MethodSource("dev.spool.testing.Store#selected")
public @interface BothStores {}
