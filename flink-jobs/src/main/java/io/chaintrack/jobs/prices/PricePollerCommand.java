package io.chaintrack.jobs.prices;

import io.chaintrack.connectors.postgres.PostgresSinkOptions;
import io.chaintrack.core.config.ConfiguredCommandLine;
import io.chaintrack.jobs.common.JdbcOptions;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code chaintrack price-poller}: the HTTP price poller as its own process (metrics on the process's default
 * Prometheus registry, state in price_source_status). Runs until stopped.
 */
@Command(name = "price-poller", mixinStandardHelpOptions = true,
        description = "Poll a CoinGecko-compatible price API into token_prices and price_source_status (docs/prices.md).")
public final class PricePollerCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    JdbcOptions.Required jdbc = new JdbcOptions.Required();
    @Mixin
    HttpPriceOptions http = new HttpPriceOptions();
    @io.chaintrack.core.config.ConfigKey("chaintrack.prices.http.metrics-port")
    @CommandLine.Option(names = "--metrics-port", defaultValue = "0",
            description = "Serve Prometheus /metrics on this port; 0: none (default ${DEFAULT-VALUE}).")
    int metricsPort;
    @Mixin
    ConfiguredCommandLine.ConfigFileOption configFile = new ConfiguredCommandLine.ConfigFileOption();

    public static void main(String[] args) {
        System.exit(ConfiguredCommandLine.execute(new CommandLine(new PricePollerCommand()), args));
    }

    @Override
    public Integer call() throws InterruptedException {
        if (!http.enabled()) {
            spec.commandLine().getErr().println("--price-http-base-url (chaintrack.prices.http.base-url) is required");
            return 2;
        }
        try (HttpPricePoller poller = http.startPoller(PrometheusRegistry.defaultRegistry,
                PostgresSinkOptions.of(jdbc.url(), jdbc.user(), jdbc.password()));
             AutoCloseable metrics = metricsPort > 0 ? io.chaintrack.jobs.common.MetricsEndpoint.serve(PrometheusRegistry.defaultRegistry, metricsPort) : null) {
            new CountDownLatch(1).await();
        } catch (java.io.IOException e) {
            spec.commandLine().getErr().println("cannot serve /metrics on port " + metricsPort + ": " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return 0;
    }
}
