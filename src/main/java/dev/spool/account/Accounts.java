package dev.spool.account;

import dev.spool.crypto.Tokens;
import dev.spool.db.Database;
import dev.spool.db.ListQuery;
import dev.spool.db.Notifications;
import dev.spool.db.PageQuery;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/** Users, their projects and API keys. Keys are random 256-bit secrets stored only as SHA-256 hashes. */
public final class Accounts {
    /** The topic of {@link Notifications} that tells of an API key created or revoked (the key is its id). */
    public static final String KEYS_CHANGED = "apikey";

    private final Jdbi jdbi;
    private final Notifications notifications;
    private final Clock clock;

    public Accounts(Database database, Clock clock) {
        this.jdbi = database.jdbi();
        this.notifications = database.notifications();
        this.clock = clock;
    }

    public record User(String id, String email, boolean admin, String defaultProjectId, long createdAt) {}

    /** Public field names usable in a user list's {@code filters} and {@code order}, and their columns. */
    public static final Map<String, String> USER_FIELDS =
            Map.of("id", "id", "email", "email", "createdAt", "created_at");

    public static final Set<String> USER_NUMERIC_FIELDS = Set.of("createdAt");
    private static final String USER_COLUMNS = "id, email, admin, default_project_id, created_at";
    private static final RowMapper<User> USER = (rs, ctx) -> new User(
            rs.getString("id"),
            rs.getString("email"),
            rs.getBoolean("admin"),
            rs.getString("default_project_id"),
            rs.getLong("created_at"));

    public Optional<User> findUserByEmail(String email) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + USER_COLUMNS + " FROM users WHERE email = :email")
                .bind("email", email)
                .map(USER)
                .findOne());
    }

    public Optional<User> findUser(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + USER_COLUMNS + " FROM users WHERE id = :id")
                .bind("id", id)
                .map(USER)
                .findOne());
    }

    /** One page of every user, by email unless the query orders otherwise: what an admin may switch between. */
    public PageQuery.Page<User> listUsers(ListQuery query, boolean withCount) {
        return PageQuery.fetch(
                jdbi, "users", USER_COLUMNS, USER, query, USER_FIELDS, "email, id", Map.of(), List.of(), withCount);
    }

    /** Creates a user with its default project, both in one transaction. */
    public User createUser(String email, boolean admin) {
        return jdbi.inTransaction(h -> {
            String userId = UUID.randomUUID().toString();
            String projectId = UUID.randomUUID().toString();
            long now = clock.millis();
            h.createUpdate("INSERT INTO users (id, email, admin, default_project_id, created_at) "
                            + "VALUES (:id, :email, :admin, :project, :now)")
                    .bind("id", userId)
                    .bind("email", email)
                    .bind("admin", admin)
                    .bind("project", projectId)
                    .bind("now", now)
                    .execute();
            insertProject(h, projectId, userId, "Default Project", now);
            return new User(userId, email, admin, projectId, now);
        });
    }

    public String createProject(String userId, String name) {
        String projectId = UUID.randomUUID().toString();
        jdbi.useHandle(h -> insertProject(h, projectId, userId, name, clock.millis()));
        return projectId;
    }

    private static void insertProject(Handle h, String id, String userId, String name, long now) {
        h.createUpdate("INSERT INTO projects (id, user_id, name, created_at) VALUES (:id, :user, :name, :now)")
                .bind("id", id)
                .bind("user", userId)
                .bind("name", name)
                .bind("now", now)
                .execute();
    }

    /** Creates a key with a fresh random secret. */
    public CreatedApiKey createApiKey(String userId, String projectId, String name) {
        return storeApiKey(userId, projectId, name, Tokens.random());
    }

    /** Stores a key whose secret the operator chose (SPOOL_ADMIN_API_KEY); only its hash is kept. */
    public CreatedApiKey storeApiKey(String userId, String projectId, String name, String secret) {
        var info = new ApiKeyInfo(UUID.randomUUID().toString(), name, userId, projectId, clock.millis(), null);
        jdbi.useTransaction(h -> {
            h.createUpdate("INSERT INTO api_keys (id, key_hash, user_id, project_id, name, created_at) "
                            + "VALUES (:id, :hash, :user, :project, :name, :now)")
                    .bind("id", info.id())
                    .bind("hash", hash(secret))
                    .bind("user", userId)
                    .bind("project", projectId)
                    .bind("name", name)
                    .bind("now", info.createdAt())
                    .execute();
            // A process that found this secret unknown a moment ago must look again.
            notifications.publish(h, KEYS_CHANGED, info.id());
        });
        return new CreatedApiKey(info, secret);
    }

    public List<ApiKeyInfo> listApiKeys() {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT id, name, user_id, project_id, created_at, revoked_at FROM api_keys ORDER BY created_at")
                .map((rs, ctx) -> new ApiKeyInfo(
                        rs.getString("id"),
                        rs.getString("name"),
                        rs.getString("user_id"),
                        rs.getString("project_id"),
                        rs.getLong("created_at"),
                        rs.getObject("revoked_at") == null ? null : rs.getLong("revoked_at")))
                .list());
    }

    /** The live keys of one user in one project, oldest first: what that tenant may see and revoke. */
    public List<ApiKeyInfo> listApiKeys(String userId, String projectId) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT id, name, user_id, project_id, created_at FROM api_keys WHERE user_id = :user "
                                + "AND project_id = :project AND revoked_at IS NULL ORDER BY created_at, id")
                .bind("user", userId)
                .bind("project", projectId)
                .map((rs, ctx) -> new ApiKeyInfo(
                        rs.getString("id"),
                        rs.getString("name"),
                        rs.getString("user_id"),
                        rs.getString("project_id"),
                        rs.getLong("created_at"),
                        null))
                .list());
    }

    /** Revokes a live key of one user in one project; answers false for another tenant's key or an unknown id. */
    public boolean revokeApiKey(String userId, String projectId, String keyId) {
        return jdbi.inTransaction(h -> revoked(
                h,
                keyId,
                h.createUpdate("UPDATE api_keys SET revoked_at = :now WHERE id = :id "
                                + "AND user_id = :user AND project_id = :project AND revoked_at IS NULL")
                        .bind("now", clock.millis())
                        .bind("id", keyId)
                        .bind("user", userId)
                        .bind("project", projectId)
                        .execute()));
    }

    /** Revokes by key id; answers whether a live key was revoked. */
    public boolean revokeApiKey(String keyId) {
        return jdbi.inTransaction(h -> revoked(
                h,
                keyId,
                h.createUpdate("UPDATE api_keys SET revoked_at = :now WHERE id = :id AND revoked_at IS NULL")
                        .bind("now", clock.millis())
                        .bind("id", keyId)
                        .execute()));
    }

    /** Tells every process that remembers the key to forget it, when one was revoked. */
    private boolean revoked(Handle h, String keyId, int rows) {
        if (rows == 1) {
            notifications.publish(h, KEYS_CHANGED, keyId);
        }
        return rows == 1;
    }

    /**
     * Looks a presented secret up by its hash. The lookup is an index probe on the hash, so the secret itself is
     * never compared; the final equality check on the stored hash is constant-time all the same.
     */
    public Optional<Principal> authenticate(String secret) {
        String presented = hash(secret);
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT k.key_hash, k.user_id, k.project_id, k.name, u.admin FROM api_keys k "
                                + "JOIN users u ON u.id = k.user_id WHERE k.key_hash = :hash AND k.revoked_at IS NULL")
                .bind("hash", presented)
                .map((rs, ctx) -> MessageDigest.isEqual(
                                rs.getString("key_hash").getBytes(StandardCharsets.US_ASCII),
                                presented.getBytes(StandardCharsets.US_ASCII))
                        ? Optional.of(new Principal(
                                rs.getString("user_id"),
                                rs.getString("project_id"),
                                rs.getBoolean("admin"),
                                rs.getString("name")))
                        : Optional.<Principal>empty())
                .findOne()
                .flatMap(p -> p));
    }

    static String hash(String secret) {
        return Tokens.sha256Hex(secret);
    }
}
