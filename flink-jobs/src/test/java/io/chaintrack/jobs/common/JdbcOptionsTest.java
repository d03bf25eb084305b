package io.chaintrack.jobs.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chaintrack.core.config.ConfiguredCommandLine;
import io.chaintrack.jobs.analytics.AnalyticsJob;
import io.chaintrack.jobs.analytics.PartitionMaintenance;
import io.chaintrack.jobs.balances.BalanceJob;
import io.chaintrack.jobs.ingest.IngestJob;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** Every job command takes --jdbc-url/--jdbc-user/--jdbc-password from the one JdbcOptions mixin, with its URL rule. */
class JdbcOptionsTest {
    /** A command and the options it needs besides the JDBC ones. */
    record Command(String name, Supplier<Object> create, String... otherRequired) {}

    static final List<Command> COMMANDS = List.of(
            new Command("ingest", IngestJob::new, "--bootstrap-servers", "k:1"),
            new Command("balance-job", BalanceJob::new, "--bootstrap-servers", "k:1"),
            new Command("analytics-job", AnalyticsJob::new, "--bootstrap-servers", "k:1"),
            new Command("analytics-retention", PartitionMaintenance::new));

    static String[] args(Command command, String... jdbc) {
        String[] all = new String[command.otherRequired().length + jdbc.length];
        System.arraycopy(command.otherRequired(), 0, all, 0, command.otherRequired().length);
        System.arraycopy(jdbc, 0, all, command.otherRequired().length, jdbc.length);
        return all;
    }

    static JdbcOptions jdbc(CommandLine cl) {
        return (JdbcOptions) cl.getMixins().get("jdbc");
    }

    @Test
    void flagsLandInEveryCommandsJdbcOptions() {
        for (Command command : COMMANDS) {
            CommandLine cl = new CommandLine(command.create().get());
            assertThat(cl.getCommandName()).isEqualTo(command.name());
            cl.parseArgs(args(command, "--jdbc-url", "jdbc:postgresql://db:5432/" + command.name(),
                    "--jdbc-user", "u-" + command.name(), "--jdbc-password", "p-" + command.name()));
            JdbcOptions jdbc = jdbc(cl);
            assertThat(jdbc.url()).as(command.name()).isEqualTo("jdbc:postgresql://db:5432/" + command.name());
            assertThat(jdbc.user()).as(command.name()).isEqualTo("u-" + command.name());
            assertThat(jdbc.password()).as(command.name()).isEqualTo("p-" + command.name());
        }
    }

    @Test
    void namesLabelsAndDefaultsAreTheSameInEveryCommand() {
        for (Command command : COMMANDS) {
            CommandLine cl = new CommandLine(command.create().get());
            cl.parseArgs(args(command, "--jdbc-url", "jdbc:postgresql://db/x"));
            assertThat(jdbc(cl).user()).as(command.name()).isEqualTo("postgres");
            assertThat(jdbc(cl).password()).as(command.name()).isEmpty();

            OptionSpec url = cl.getCommandSpec().findOption("--jdbc-url");
            OptionSpec user = cl.getCommandSpec().findOption("--jdbc-user");
            OptionSpec password = cl.getCommandSpec().findOption("--jdbc-password");
            assertThat(List.of(url.paramLabel(), user.paramLabel(), password.paramLabel())).as(command.name())
                    .containsExactly("<jdbcUrl>", "<jdbcUser>", "<jdbcPassword>");
            assertThat(user.defaultValue()).isEqualTo("postgres");
            assertThat(password.defaultValue()).isEmpty();
            assertThat(url.defaultValue()).isNull();
            String help = cl.getUsageMessage(CommandLine.Help.Ansi.OFF);
            assertThat(help).as(command.name()).contains("PostgreSQL user (default postgres).")
                    .contains("--jdbc-password=<jdbcPassword>").contains("--jdbc-url=<jdbcUrl>");
        }
    }

    @Test
    void theEnvironmentSuppliesWhatNoFlagSets() {
        Map<String, String> env = Map.of("CHAINTRACK_JDBC_URL", "jdbc:postgresql://env/db", "CHAINTRACK_JDBC_USER", "env-user",
                "CHAINTRACK_JDBC_PASSWORD", "env-secret");
        for (Command command : COMMANDS) {
            CommandLine cl = new CommandLine(command.create().get());
            ConfiguredCommandLine.parse(cl, env, args(command, "--jdbc-user", "flag-user"));
            assertThat(jdbc(cl).url()).as(command.name()).isEqualTo("jdbc:postgresql://env/db");
            assertThat(jdbc(cl).user()).as(command.name()).isEqualTo("flag-user");
            assertThat(jdbc(cl).password()).as(command.name()).isEqualTo("env-secret");
        }
    }

    @Test
    void balanceJobAndRetentionRequireAUrlWhenParsed() {
        for (Command command : List.of(COMMANDS.get(1), COMMANDS.get(3))) {
            CommandLine cl = new CommandLine(command.create().get());
            assertThat(cl.getCommandSpec().findOption("--jdbc-url").required()).as(command.name()).isTrue();
            assertThatThrownBy(() -> cl.parseArgs(args(command)))
                    .isInstanceOf(CommandLine.MissingParameterException.class)
                    .hasMessage("Missing required option: '--jdbc-url=<jdbcUrl>'");
            // through the layered configuration the error also says where else the URL can come from
            assertThatThrownBy(() -> ConfiguredCommandLine.parse(new CommandLine(command.create().get()), Map.of(), args(command)))
                    .isInstanceOf(CommandLine.MissingParameterException.class)
                    .hasMessageContaining("Missing required option: '--jdbc-url=<jdbcUrl>'")
                    .hasMessageContaining("environment variable CHAINTRACK_JDBC_URL");
        }
    }

    @Test
    void analyticsJobParsesWithoutAUrlButWillNotRunWithoutOne() {
        CommandLine parsed = new CommandLine(new AnalyticsJob());
        parsed.parseArgs("--bootstrap-servers", "k:1");
        assertThat(jdbc(parsed).url()).isNull();
        assertThat(parsed.getCommandSpec().findOption("--jdbc-url").required()).isFalse();

        StringWriter err = new StringWriter();
        int code = new CommandLine(new AnalyticsJob()).setErr(new PrintWriter(err)).execute("--bootstrap-servers", "k:1");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--jdbc-url (configuration key chaintrack.jdbc.url, env CHAINTRACK_JDBC_URL) is required");
    }

    @Test
    void ingestTreatsTheUrlAsOptional() {
        CommandLine cl = new CommandLine(new IngestJob());
        cl.parseArgs("--bootstrap-servers", "k:1");
        assertThat(cl.getCommandSpec().findOption("--jdbc-url").required()).isFalse();
        assertThat(jdbc(cl)).isInstanceOf(JdbcOptions.StatusOnly.class);
        assertThat(jdbc(cl).urlUnset()).isTrue();
        assertThat(jdbc(cl).url()).isNull();

        CommandLine blank = new CommandLine(new IngestJob());
        blank.parseArgs("--bootstrap-servers", "k:1", "--jdbc-url", " ");
        assertThat(jdbc(blank).urlUnset()).isTrue();

        CommandLine given = new CommandLine(new IngestJob());
        given.parseArgs("--bootstrap-servers", "k:1", "--jdbc-url", "jdbc:postgresql://db/x");
        assertThat(jdbc(given).urlUnset()).isFalse();
    }
}
