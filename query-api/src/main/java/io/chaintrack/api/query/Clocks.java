package io.chaintrack.api.query;

import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.time.Clock;

/** The wall clock lag and freshness are measured against; a bean so an embedding process can replace it. */
@Factory
public final class Clocks {
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }
}
