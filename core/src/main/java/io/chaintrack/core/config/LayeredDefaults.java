package io.chaintrack.core.config;

import io.chaintrack.core.config.LayeredConfig.Value;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * picocli default values from the file and environment layers of a {@link LayeredConfig}; an option
 * without a value there keeps its compiled-in default, and a flag on the command line beats both.
 * Remembers what it supplied, so a bad value can be reported with its key, layer and origin.
 */
public final class LayeredDefaults implements CommandLine.IDefaultValueProvider {
  private final LayeredConfig layers;
  private final Map<ArgSpec, Value> supplied = new IdentityHashMap<>();

  public LayeredDefaults(LayeredConfig layers) {
    this.layers = layers;
  }

  public LayeredConfig layers() {
    return layers;
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    Optional<Value> v = lookup(arg);
    v.ifPresent(value -> {
      synchronized (supplied) {
        supplied.put(arg, value);
      }
    });
    // as LayeredConfig's typed getters read them: surrounding spaces trimmed, list items too
    return v.map(value -> arg.isMultiValue() ? value.raw().trim().replaceAll("\\s*,\\s*", ",") : value.raw().trim())
        .orElse(null);
  }

  /** The key an option is bound to, or null. */
  public static ConfigKey keyOf(ArgSpec arg) {
    return arg.userObject() instanceof Field f ? f.getAnnotation(ConfigKey.class) : null;
  }

  /** The option's value from the file or environment layer (its key first, then its fallbacks). */
  Optional<Value> lookup(ArgSpec arg) {
    ConfigKey key = keyOf(arg);
    if (key == null) {
      return Optional.empty();
    }
    List<String> keys = new ArrayList<>();
    keys.add(key.value());
    keys.addAll(List.of(key.fallbacks()));
    for (String k : keys) {
      Optional<Value> v = layers.lookup(k).filter(x -> x.layer() == LayeredConfig.Layer.FILE
          || x.layer() == LayeredConfig.Layer.ENVIRONMENT);
      if (v.isPresent()) {
        return v;
      }
    }
    return Optional.empty();
  }

  /**
   * The same error, explained in configuration terms: a bad value from the file or environment names
   * its key, layer and origin; a missing required option names its key and environment variable.
   */
  CommandLine.ParameterException explain(CommandLine.ParameterException e, String[] args) {
    if (e instanceof CommandLine.MissingParameterException missing) {
      List<String> hints = new ArrayList<>();
      for (ArgSpec arg : missing.getMissing()) {
        ConfigKey key = keyOf(arg);
        if (key != null && arg instanceof OptionSpec o) {
          hints.add(o.longestName() + " = configuration key '" + key.value() + "' (environment variable "
              + LayeredConfig.environmentName(key.value()) + ", or the --config-file)");
        }
      }
      if (hints.isEmpty()) {
        return e;
      }
      return new CommandLine.MissingParameterException(e.getCommandLine(), missing.getMissing(),
          e.getMessage() + "; set " + String.join("; ", hints));
    }
    ArgSpec arg = e.getArgSpec();
    Value v;
    synchronized (supplied) {
      v = arg == null ? null : supplied.get(arg);
    }
    if (v == null || (arg instanceof OptionSpec o && givenOnCommandLine(o, args))) {
      return e;
    }
    String shown = LayeredConfig.isSecret(v.key()) ? "(hidden)" : "'" + v.raw() + "'";
    return new CommandLine.ParameterException(e.getCommandLine(), "configuration key '" + v.key() + "' from "
        + v.origin() + " (layer " + v.layer() + ") is " + shown + ": " + e.getMessage(), e, arg, e.getValue());
  }

  private static boolean givenOnCommandLine(OptionSpec option, String[] args) {
    for (String a : args) {
      for (String name : option.names()) {
        if (a.equals(name) || a.startsWith(name + "=")) {
          return true;
        }
      }
    }
    return false;
  }
}
