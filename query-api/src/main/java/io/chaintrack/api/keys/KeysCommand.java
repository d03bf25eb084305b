package io.chaintrack.api.keys;

import io.chaintrack.core.config.ConfigKey;
import io.chaintrack.core.config.ConfiguredCommandLine;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.postgresql.ds.PGSimpleDataSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * Operator CLI for API keys: create (prints the secret once), list, revoke, and tier management.
 * Nothing it prints is ever a stored secret: the database only has hashes.
 */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Manage chaintrack query API keys.",
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class,
                KeysCommand.Tiers.class, KeysCommand.SetTier.class})
public final class KeysCommand implements Callable<Integer> {
    @ConfigKey(value = "chaintrack.jdbc.url", fallbacks = "chaintrack.api.datasource.url")
    @Option(names = "--jdbc-url", defaultValue = "jdbc:postgresql://localhost:5432/postgres",
            description = "PostgreSQL JDBC URL (env CHAINTRACK_JDBC_URL or CHAINTRACK_API_DATASOURCE_URL; default ${DEFAULT-VALUE}).")
    String jdbcUrl;

    @ConfigKey(value = "chaintrack.jdbc.user", fallbacks = "chaintrack.api.datasource.user")
    @Option(names = {"--jdbc-user", "--db-user"}, defaultValue = "postgres", description = "Database user (env CHAINTRACK_JDBC_USER).")
    String user;

    @ConfigKey(value = "chaintrack.jdbc.password", fallbacks = "chaintrack.api.datasource.password")
    @Option(names = {"--jdbc-password", "--db-password"}, defaultValue = "", description = "Database password (env CHAINTRACK_JDBC_PASSWORD).")
    String password;

    @CommandLine.Mixin
    ConfiguredCommandLine.ConfigFileOption configFile = new ConfiguredCommandLine.ConfigFileOption();

    @Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(ConfiguredCommandLine.execute(new CommandLine(new KeysCommand()), args));
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    ApiKeyStore store() {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(jdbcUrl);
        dataSource.setUser(user);
        dataSource.setPassword(password);
        return new ApiKeyStore(dataSource);
    }

    @Command(name = "create", description = "Create a key; its secret is printed once and cannot be shown again.")
    static final class Create implements Callable<Integer> {
        @ParentCommand
        KeysCommand parent;
        @Option(names = "--name", required = true, description = "Who or what the key is for.")
        String name;
        @Option(names = "--tier", required = true, description = "Tier name (see 'keys tiers').")
        String tier;
        @Option(names = "--user-issuer", description = "With --user-subject: the key acts for this OpenID Connect user (issuer URL"
                + " as in the user's tokens), so it reads and changes that user's wallets.")
        String userIssuer;
        @Option(names = "--user-subject", description = "The user's subject (sub claim) at --user-issuer.")
        String userSubject;

        @Override
        public Integer call() throws SQLException {
            ApiKeyStore store = parent.store();
            if (store.tiers().stream().noneMatch(t -> t.name().equals(tier))) {
                parent.spec.commandLine().getErr().println("unknown tier '" + tier + "' (see 'keys tiers')");
                return 2;
            }
            if ((userIssuer == null) != (userSubject == null) || userIssuer != null && (userIssuer.isBlank() || userSubject.isBlank())) {
                parent.spec.commandLine().getErr().println("--user-issuer and --user-subject go together, both non-empty");
                return 2;
            }
            ApiKeyStore.CreatedKey key = store.create(name, tier,
                    userIssuer == null ? null : new io.chaintrack.api.context.Caller.User(userIssuer, userSubject));
            PrintWriter out = parent.spec.commandLine().getOut();
            out.println("key_id: " + key.keyId());
            out.println("secret: " + key.secret());
            if (userIssuer != null) {
                out.println("acts for user: " + userSubject + " at " + userIssuer);
            }
            out.println("Store the secret now: only its SHA-256 is kept, it cannot be shown again. Send it in the x-api-key header.");
            out.flush();
            return 0;
        }
    }

    @Command(name = "list", description = "List keys (ids, names, tiers, dates; never secrets).")
    static final class ListKeys implements Callable<Integer> {
        @ParentCommand
        KeysCommand parent;

        @Override
        public Integer call() throws SQLException {
            PrintWriter out = parent.spec.commandLine().getOut();
            out.printf("%-14s %-10s %-25s %-25s %-30s %s%n", "KEY_ID", "TIER", "CREATED", "REVOKED", "NAME", "USER");
            for (ApiKeyStore.KeyInfo key : parent.store().list()) {
                out.printf("%-14s %-10s %-25s %-25s %-30s %s%n", key.keyId(), key.tier(), key.createdAt(),
                        key.revokedAt() == null ? "-" : key.revokedAt(), key.name(),
                        key.user() == null ? "-" : key.user().subject() + " at " + key.user().issuer());
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "revoke", description = "Revoke a key by its id; it stops working at once on every replica.")
    static final class Revoke implements Callable<Integer> {
        @ParentCommand
        KeysCommand parent;
        @Parameters(paramLabel = "KEY_ID")
        String keyId;

        @Override
        public Integer call() throws SQLException {
            if (!parent.store().revoke(keyId)) {
                parent.spec.commandLine().getErr().println("no active key with id " + keyId);
                return 1;
            }
            parent.spec.commandLine().getOut().println("revoked " + keyId);
            parent.spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "tiers", description = "List tiers with their allowed methods and rate limits.")
    static final class Tiers implements Callable<Integer> {
        @ParentCommand
        KeysCommand parent;

        @Override
        public Integer call() throws SQLException {
            PrintWriter out = parent.spec.commandLine().getOut();
            for (ApiKeyStore.Tier tier : parent.store().tiers()) {
                out.printf("%-12s %d requests / %d s  %s%n", tier.name(), tier.requestsPerWindow(), tier.windowSeconds(),
                        String.join(",", tier.allowedMethods()));
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "set-tier", description = "Create or change a tier.")
    static final class SetTier implements Callable<Integer> {
        @ParentCommand
        KeysCommand parent;
        @Option(names = "--name", required = true)
        String name;
        @Option(names = "--methods", required = true, split = ",",
                description = "Full gRPC method names, 'package.Service/*' or '*', comma separated.")
        String[] methods;
        @Option(names = "--limit", required = true, description = "Requests per window (> 0).")
        int limit;
        @Option(names = "--window-seconds", defaultValue = "60", description = "Window length in seconds (> 0; default ${DEFAULT-VALUE}).")
        int windowSeconds;

        @Override
        public Integer call() throws SQLException {
            if (limit <= 0 || windowSeconds <= 0) {
                parent.spec.commandLine().getErr().println("--limit and --window-seconds must be positive");
                return 2;
            }
            List<String> allowed = Arrays.stream(methods).map(String::strip).filter(m -> !m.isEmpty()).toList();
            parent.store().setTier(new ApiKeyStore.Tier(name, allowed, limit, windowSeconds));
            parent.spec.commandLine().getOut().println("tier " + name + ": " + limit + " requests / " + windowSeconds + " s, " + allowed);
            parent.spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
