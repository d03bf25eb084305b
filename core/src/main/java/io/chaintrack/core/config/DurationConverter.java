package io.chaintrack.core.config;

import java.time.Duration;
import picocli.CommandLine;

/** picocli converter for {@link Durations#parse}; a bad value becomes a usage error naming the option. */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
