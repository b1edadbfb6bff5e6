package dev.spool.access;

import dev.spool.db.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/** Reads and writes signing-key rows (public halves only). */
final class SigningKeyRepository {
    private static final String COLUMNS = "id, user_id, project_id, name, public_key, disabled, created_at, last_seen";

    private final Jdbi jdbi;

    SigningKeyRepository(Database database) {
        this.jdbi = database.jdbi();
    }

    void insert(SigningKey key) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO signing_keys (id, user_id, project_id, name, public_key, "
                        + "disabled, created_at) VALUES (:id, :user, :project, :name, :pub, :disabled, :created)")
                .bind("id", key.id())
                .bind("user", key.userId())
                .bind("project", key.projectId())
                .bind("name", key.name())
                .bind("pub", key.publicKey())
                .bind("disabled", key.disabled())
                .bind("created", key.createdAt())
                .execute());
    }

    Optional<SigningKey> find(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM signing_keys WHERE id = :id")
                .bind("id", id)
                .map(SigningKeyRepository::map)
                .findOne());
    }

    Optional<SigningKey> findByPublicKey(String publicKey) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM signing_keys WHERE public_key = :pub")
                .bind("pub", publicKey)
                .map(SigningKeyRepository::map)
                .findOne());
    }

    List<SigningKey> list(String userId, String projectId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM signing_keys "
                        + "WHERE user_id = :user AND project_id = :project ORDER BY created_at, id")
                .bind("user", userId)
                .bind("project", projectId)
                .map(SigningKeyRepository::map)
                .list());
    }

    int count(String userId, String projectId) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT COUNT(*) FROM signing_keys " + "WHERE user_id = :user AND project_id = :project")
                .bind("user", userId)
                .bind("project", projectId)
                .mapTo(Integer.class)
                .one());
    }

    void update(String id, String name, Boolean disabled) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE signing_keys SET name = COALESCE(:name, name), "
                        + "disabled = COALESCE(:disabled, disabled) WHERE id = :id")
                .bind("name", name)
                .bind("disabled", disabled)
                .bind("id", id)
                .execute());
    }

    void markSeen(String id, long at) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE signing_keys SET last_seen = :at WHERE id = :id")
                .bind("at", at)
                .bind("id", id)
                .execute());
    }

    void delete(String id) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM signing_keys WHERE id = :id")
                .bind("id", id)
                .execute());
    }

    private static SigningKey map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new SigningKey(
                rs.getString("id"),
                rs.getString("name"),
                rs.getString("user_id"),
                rs.getString("project_id"),
                rs.getLong("created_at"),
                rs.getObject("last_seen") == null ? null : rs.getLong("last_seen"),
                rs.getString("public_key"),
                rs.getBoolean("disabled"),
                null);
    }
}
