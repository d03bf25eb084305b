package io.chaintrack.jobs.prices;

import io.chaintrack.connectors.price.PriceSourcesConfig;
import io.chaintrack.core.config.ConfigKey;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The on-chain price sources, one set of options shared by the ingest (which logs to read) and the price job (how
 * to price them), so a key means the same in both. Parsed by {@link PriceSourcesConfig#parse}, which names a bad entry.
 */
public final class PriceSourceOptions {
    @ConfigKey("chaintrack.prices.pools")
    @Option(names = "--price-pool", split = ",",
            description = "DEX pool followed for prices, v2|v3:POOL:TOKEN_A:TOKEN_B (repeatable or comma separated).")
    List<String> pools = new ArrayList<>();

    @ConfigKey("chaintrack.prices.factories")
    @Option(names = "--price-factory", split = ",",
            description = "DEX factory whose created pools are followed, v2|v3:FACTORY (repeatable or comma separated).")
    List<String> factories = new ArrayList<>();

    @ConfigKey("chaintrack.prices.feeds")
    @Option(names = "--price-feed", split = ",",
            description = "Chainlink-style feed, TOKEN=AGGREGATOR:DECIMALS[:QUOTE] (quote default USD; repeatable or comma separated).")
    List<String> feeds = new ArrayList<>();

    @ConfigKey("chaintrack.prices.reference-assets")
    @Option(names = "--price-reference-asset", split = ",",
            description = "A token that is the same asset as another, TOKEN=SAME (e.g. WETH=native; repeatable or comma separated).")
    List<String> referenceAssets = new ArrayList<>();

    public PriceSourcesConfig toConfig() {
        return PriceSourcesConfig.parse(pools, factories, feeds, referenceAssets);
    }
}
