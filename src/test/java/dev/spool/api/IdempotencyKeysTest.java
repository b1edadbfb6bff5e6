package dev.spool.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.crypto.SecretBox;
import dev.spool.error.SpoolException;
import dev.spool.testing.BothStores;
import dev.spool.testing.ScratchStore;
import dev.spool.testing.Store;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;

/**
 * The stored answers behind {@code Idempotency-Key}: an answer is kept in the transaction of the create it answers,
 * and only unanswered claims are ever released after a request.
 */
@BothStores
class IdempotencyKeysTest {
    @Parameter
    Store store;

    @RegisterExtension
    final ScratchStore scratch = new ScratchStore(() -> store);

    IdempotencyKeys keys;

    @BeforeEach
    void open() {
        keys = new IdempotencyKeys(scratch.database(), new SecretBox(new byte[SecretBox.KEY_BYTES]));
    }

    @Test
    void givenAClaim_whenTheCreateWritesAndAnswers_thenBothAreKept() throws Exception {
        keys.claim("alice", "k", "hash", 1_000);

        boolean answered = keys.answerWithin("alice", "k", 1_000, () -> {
            createsSomething();
            return Optional.of(new IdempotencyKeys.Answer(201, "{\"id\":\"t\"}"));
        });

        assertThat(answered).isTrue();
        assertThat(keys.find("alice", "k").orElseThrow().status()).isEqualTo(201);
        assertThat(created()).isPresent();
    }

    @Test
    void givenACreateThatFailsAfterItsWrite_thenNeitherItsWriteNorAnAnswerIsKept() throws Exception {
        keys.claim("alice", "k", "hash", 1_000);

        assertThatThrownBy(() -> keys.answerWithin("alice", "k", 1_000, () -> {
                    createsSomething();
                    throw new IllegalStateException("the create failed after its write");
                }))
                .hasMessageContaining("failed after its write");

        assertThat(created()).isEmpty();
        assertThat(keys.find("alice", "k").orElseThrow().status()).isNull();
    }

    @Test
    void givenACreateThatAnswersNoSuccess_thenWhatItWroteIsNotKept() throws Exception {
        keys.claim("alice", "k", "hash", 1_000);

        boolean answered = keys.answerWithin("alice", "k", 1_000, () -> {
            createsSomething();
            return Optional.empty();
        });

        assertThat(answered).isFalse();
        assertThat(created()).isEmpty();
        // and the store takes writes at once afterwards (the rolled-back transaction let go of its turn)
        assertThat(keys.claim("alice", "next", "hash", 2_000)).isTrue();
    }

    @Test
    void givenARepeatTakingTheClaimOverWhileTheAnswerCommits_thenTheAnswerAndTheCreateStayOrGoTogether()
            throws Exception {
        keys.claim("alice", "k", "hash", 1_000);
        var takeOver = new AtomicReference<Thread>();

        try {
            keys.answerWithin("alice", "k", 1_000, () -> {
                createsSomething();
                // a repeat finds the claim unanswered and old, and releases it while this transaction is open
                takeOver.set(Thread.ofVirtual().start(() -> keys.releaseUnanswered("alice", "k", 1_000)));
                takeOver.get().join(200);
                return Optional.of(new IdempotencyKeys.Answer(201, "{}"));
            });
        } catch (SpoolException refused) {
            assertThat(refused.code()).isEqualTo("idempotency_key_taken_over");
        }
        takeOver.get().join();

        boolean answerKept =
                keys.find("alice", "k").map(e -> e.status() != null).orElse(false);
        assertThat(created().isPresent()).isEqualTo(answerKept);
    }

    @Test
    void givenAClaimTakenOverByARepeat_whenTheFirstRequestAnswersLate_thenItIsRefusedAndNothingOfItIsKept() {
        keys.claim("alice", "k", "hash", 1_000);
        // a repeat found the claim abandoned and took the key over
        keys.release("alice", "k", 1_000);
        keys.claim("alice", "k", "hash", 200_000);

        assertThatThrownBy(() -> keys.answerWithin("alice", "k", 1_000, () -> {
                    createsSomething();
                    return Optional.of(new IdempotencyKeys.Answer(201, "{}"));
                }))
                .isInstanceOfSatisfying(
                        SpoolException.class, e -> assertThat(e.code()).isEqualTo("idempotency_key_taken_over"));

        assertThat(created()).isEmpty();
        var claim = keys.find("alice", "k").orElseThrow();
        assertThat(claim.createdAt()).isEqualTo(200_000);
        assertThat(claim.status()).isNull();
    }

    @Test
    void givenAnAnsweredKey_whenItsRequestReleasesItAsUnanswered_thenTheAnswerStays() throws Exception {
        // as when the commit's outcome was lost to the request: it committed, but the request saw an error
        keys.claim("alice", "k", "hash", 1_000);
        keys.answerWithin("alice", "k", 1_000, () -> Optional.of(new IdempotencyKeys.Answer(200, "{}")));

        keys.releaseUnanswered("alice", "k", 1_000);

        assertThat(keys.find("alice", "k").orElseThrow().body()).isEqualTo("{}");
    }

    @Test
    void givenAnUnansweredClaim_whenItsRequestReleasesIt_thenTheKeyIsFree() {
        keys.claim("alice", "k", "hash", 1_000);

        keys.releaseUnanswered("alice", "k", 1_000);

        assertThat(keys.find("alice", "k")).isEmpty();
    }

    /** A service's write, made as services make theirs: in a transaction of its own on the store's pool. */
    private void createsSomething() {
        scratch.database()
                .jdbi()
                .useTransaction(h -> h.createUpdate("INSERT INTO idempotency_keys (user_id, idem_key, request_hash, "
                                + "created_at) VALUES ('alice', 'written-by-the-create', 'h', 1000)")
                        .execute());
    }

    private Optional<IdempotencyKeys.Entry> created() {
        return keys.find("alice", "written-by-the-create");
    }
}
