package io.chaintrack.core.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds a picocli option to a {@link LayeredConfig} key: the file and environment layers supply its
 * default, the option itself is the flag layer. Every bound key must be listed in {@link ConfigCatalog}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface ConfigKey {
  /** The dotted key, e.g. chaintrack.kafka.bootstrap-servers. */
  String value();

  /** Keys read, in order, when {@link #value()} is set in no layer (e.g. migrate falls back to the API's datasource). */
  String[] fallbacks() default {};
}
