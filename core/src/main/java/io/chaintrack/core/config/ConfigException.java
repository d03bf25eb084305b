package io.chaintrack.core.config;

/** A configuration value is missing or malformed; the message names the key, the layer and the fix. */
public final class ConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
