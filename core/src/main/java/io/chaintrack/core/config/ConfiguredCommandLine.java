package io.chaintrack.core.config;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * Runs a picocli command (a job's main, a CLI subcommand) with layered configuration: compiled
 * defaults &lt; {@code --config-file}/CHAINTRACK_CONFIG_FILE &lt; CHAINTRACK_* environment &lt; flags.
 * A key that no chaintrack process knows, in the file or a CHAINTRACK_* variable, fails before anything runs;
 * so does a file key the command that runs does not use ({@link RoleKeys}).
 */
public final class ConfiguredCommandLine {
  public static final String CONFIG_FILE_KEY = "chaintrack.config-file";
  public static final String CONFIG_FILE_OPTION = "--config-file";
  private static final Logger LOG = LoggerFactory.getLogger(ConfiguredCommandLine.class);

  private ConfiguredCommandLine() {}

  /** The mixin every configured command carries, so picocli accepts --config-file (it is read before parsing). */
  public static final class ConfigFileOption {
    @CommandLine.Option(names = CONFIG_FILE_OPTION, paramLabel = "PATH",
        description = "Java properties file of configuration keys (docs/configuration.md); env CHAINTRACK_CONFIG_FILE.")
    @ConfigKey(CONFIG_FILE_KEY)
    public String configFile;
  }

  /** main(): execute with the process environment; the exit code is picocli's. */
  public static int execute(CommandLine commandLine, String[] args) {
    return execute(commandLine, args, System.getenv());
  }

  public static int execute(CommandLine commandLine, String[] args, Map<String, String> env) {
    try {
      install(commandLine, args, env);
    } catch (ConfigException e) {
      PrintWriter err = commandLine.getErr();
      err.println(e.getMessage());
      err.flush();
      return commandLine.getCommandSpec().exitCodeOnInvalidInput();
    }
    return commandLine.execute(args);
  }

  /** Parses without running (tests, option classes): errors explained as in {@link #execute}. */
  public static ParseResult parse(CommandLine commandLine, Map<String, String> env, String... args) {
    LayeredDefaults defaults = install(commandLine, args, env);
    ParseResult parsed;
    try {
      parsed = commandLine.parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      throw defaults.explain(e, args);
    }
    if (!helpRequested(parsed)) {
      RoleKeys.check(parsed, defaults.layers());
    }
    return parsed;
  }

  /**
   * The layers of the last parse of {@code commandLine} with the flags given on its command line on top,
   * keyed by config key: what a process that reads keys itself (the API) uses.
   */
  public static LayeredConfig effective(ParseResult parsed) {
    CommandLine commandLine = parsed.commandSpec().commandLine();
    if (!(commandLine.getDefaultValueProvider() instanceof LayeredDefaults defaults)) {
      throw new IllegalStateException("command was not parsed through ConfiguredCommandLine");
    }
    LayeredConfig.Builder builder = defaults.layers().toBuilder();
    for (ParseResult pr = parsed; pr != null; pr = pr.subcommand()) {
      for (OptionSpec option : pr.matchedOptions()) {
        ConfigKey key = LayeredDefaults.keyOf(option);
        if (key != null && option.getValue() != null) {
          builder.flag(key.value(), flagText(option), option.longestName());
        }
      }
    }
    return builder.build();
  }

  private static String flagText(OptionSpec option) {
    Object value = option.getValue();
    if (value instanceof List<?> list) {
      List<String> items = new ArrayList<>();
      list.forEach(i -> items.add(String.valueOf(i)));
      return String.join(",", items);
    }
    if (value instanceof Map<?, ?> map) {
      List<String> items = new ArrayList<>();
      map.forEach((k, v) -> items.add(k + "=" + v));
      return String.join(",", items);
    }
    if (value instanceof java.time.Duration d) {
      return Durations.format(d);
    }
    return String.valueOf(value);
  }

  /** The effective value and origin of every bound option of the command that will run (secrets masked). */
  public static Map<String, String> describe(ParseResult parsed) {
    Map<String, String> out = new LinkedHashMap<>();
    ParseResult last = parsed;
    while (last.subcommand() != null) {
      last = last.subcommand();
    }
    CommandLine cl = last.commandSpec().commandLine();
    LayeredDefaults defaults = cl.getDefaultValueProvider() instanceof LayeredDefaults d ? d : null;
    for (OptionSpec option : last.commandSpec().options()) {
      ConfigKey key = LayeredDefaults.keyOf(option);
      if (key == null) {
        continue;
      }
      String origin;
      if (last.hasMatchedOption(option)) {
        origin = "command-line flag " + option.longestName();
      } else {
        origin = defaults == null ? "defaults" : defaults.lookup(option).map(LayeredConfig.Value::origin).orElse("defaults");
      }
      Object value = option.getValue();
      String shown = LayeredConfig.isSecret(key.value()) ? "****" : value == null ? "(unset)" : flagText(option);
      out.put(key.value(), shown + "  <- " + origin);
    }
    return out;
  }

  private static LayeredDefaults install(CommandLine commandLine, String[] args, Map<String, String> env) {
    LayeredConfig.Builder builder = LayeredConfig.builder().environment(env);
    String file = configFileFlag(args);
    if (file != null) {
      builder.flag(CONFIG_FILE_KEY, file, CONFIG_FILE_OPTION);
    }
    LayeredConfig layers = builder.fileFrom(CONFIG_FILE_KEY).build();
    layers.rejectUnknownKeys(ConfigCatalog.KEYS, ConfigCatalog.MAP_PREFIXES);
    LayeredDefaults defaults = new LayeredDefaults(layers);
    commandLine.setDefaultValueProvider(defaults);
    CommandLine.IParameterExceptionHandler plain = commandLine.getParameterExceptionHandler();
    commandLine.setParameterExceptionHandler((e, a) -> plain.handleParseException(defaults.explain(e, a), a));
    CommandLine.IExecutionStrategy run = commandLine.getExecutionStrategy();
    commandLine.setExecutionStrategy(parsed -> {
      if (!parsed.isUsageHelpRequested() && !parsed.isVersionHelpRequested()) {
        try {
          if (!helpRequested(parsed)) {
            RoleKeys.check(parsed, layers);
          }
        } catch (ConfigException e) {
          commandLine.getErr().println(e.getMessage());
          commandLine.getErr().flush();
          return commandLine.getCommandSpec().exitCodeOnInvalidInput();
        }
        describe(parsed).forEach((k, v) -> LOG.info("configuration {} = {}", k, v));
      }
      return run.execute(parsed);
    });
    return defaults;
  }

  private static boolean helpRequested(ParseResult parsed) {
    for (ParseResult pr = parsed; pr != null; pr = pr.subcommand()) {
      if (pr.isUsageHelpRequested() || pr.isVersionHelpRequested()) {
        return true;
      }
    }
    return false;
  }

  private static String configFileFlag(String[] args) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals(CONFIG_FILE_OPTION)) {
        if (i + 1 >= args.length) {
          throw new ConfigException(CONFIG_FILE_OPTION + " needs a PATH");
        }
        return args[i + 1];
      }
      if (args[i].startsWith(CONFIG_FILE_OPTION + "=")) {
        return args[i].substring(CONFIG_FILE_OPTION.length() + 1);
      }
    }
    return null;
  }

}
