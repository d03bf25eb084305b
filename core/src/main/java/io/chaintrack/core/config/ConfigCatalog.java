package io.chaintrack.core.config;

import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Every configuration key of every chaintrack process, as documented in docs/configuration.md. A key of
 * none (a typo) fails start-up; a key of another process fails from a file and warns from the environment
 * ({@link RoleKeys}: Kubernetes ConfigMaps are shared, the migrate Job reads the API's). Tests keep it equal
 * to the docs and to the keys the commands bind.
 */
public final class ConfigCatalog {
  private ConfigCatalog() {}

  public static final List<String> SHARED = List.of(
      "chaintrack.config-file",
      "chaintrack.kafka.bootstrap-servers",
      "chaintrack.jdbc.url", "chaintrack.jdbc.user", "chaintrack.jdbc.password",
      "chaintrack.flink.checkpoint-interval", "chaintrack.flink.parallelism");

  public static final List<String> INGEST = List.of(
      "chaintrack.ingest.source", "chaintrack.ingest.chain-id", "chaintrack.ingest.delivery",
      "chaintrack.ingest.transactional-id-prefix",
      "chaintrack.ingest.rpc-urls", "chaintrack.ingest.chain-name", "chaintrack.ingest.start-block",
      "chaintrack.ingest.end-block", "chaintrack.ingest.finality", "chaintrack.ingest.chain-preset", "chaintrack.ingest.rate-limit",
      "chaintrack.ingest.poll-interval", "chaintrack.ingest.head-subscription", "chaintrack.ingest.ws-url",
      "chaintrack.ingest.reorg-depth",
      "chaintrack.ingest.status-interval",
      "chaintrack.ingest.token-metadata-max-attempts", "chaintrack.ingest.token-metadata-retry-after",
      "chaintrack.ingest.traces", "chaintrack.ingest.receipts",
      "chaintrack.ingest.native-transfers", "chaintrack.ingest.fees", "chaintrack.ingest.batch-size", "chaintrack.ingest.log-range",
      "chaintrack.ingest.blocks-per-fetch", "chaintrack.ingest.blocks-per-split",
      "chaintrack.ingest.synthetic.seed", "chaintrack.ingest.synthetic.genesis-time",
      "chaintrack.ingest.synthetic.block-interval", "chaintrack.ingest.synthetic.blocks-per-second",
      "chaintrack.ingest.synthetic.transfers-per-block", "chaintrack.ingest.synthetic.addresses",
      "chaintrack.ingest.synthetic.zipf-exponent", "chaintrack.ingest.synthetic.erc20-tokens",
      "chaintrack.ingest.synthetic.erc721-tokens", "chaintrack.ingest.synthetic.erc1155-tokens",
      "chaintrack.ingest.synthetic.erc1155-ids", "chaintrack.ingest.synthetic.native",
      "chaintrack.ingest.synthetic.reorg-probability", "chaintrack.ingest.synthetic.max-reorg-depth",
      "chaintrack.ingest.synthetic.blocks");

  public static final List<String> BALANCES = List.of(
      "chaintrack.balances.group-id", "chaintrack.balances.jdbc-batch-size", "chaintrack.balances.jdbc-batch-interval",
      "chaintrack.balances.windows", "chaintrack.balances.reorg-horizon", "chaintrack.balances.source-idle-timeout",
      "chaintrack.balances.bounded");

  public static final List<String> ANALYTICS = List.of(
      "chaintrack.analytics.group-id", "chaintrack.analytics.bounded", "chaintrack.analytics.batch",
      "chaintrack.analytics.window", "chaintrack.analytics.baseline-windows", "chaintrack.analytics.min-baseline-windows",
      "chaintrack.analytics.z-threshold", "chaintrack.analytics.iqr-k", "chaintrack.analytics.p99-factor",
      "chaintrack.analytics.p99-min-samples", "chaintrack.analytics.hll-threshold", "chaintrack.analytics.hll-lg-k",
      "chaintrack.analytics.reorg-horizon-blocks", "chaintrack.analytics.start-block",
      "chaintrack.analytics.chain-start-blocks", "chaintrack.analytics.retention-days",
      "chaintrack.analytics.forecast-days", "chaintrack.analytics.forecast-min-history",
      "chaintrack.analytics.forecast-history-days", "chaintrack.analytics.sink-buffer-rows",
      "chaintrack.analytics.retention-reference-day");

  public static final List<String> PRICES = List.of(
      "chaintrack.prices.pools", "chaintrack.prices.factories", "chaintrack.prices.feeds",
      "chaintrack.prices.reference-assets", "chaintrack.prices.group-id", "chaintrack.prices.reorg-depth",
      "chaintrack.prices.bounded",
      "chaintrack.prices.http.base-url", "chaintrack.prices.http.name", "chaintrack.prices.http.key",
      "chaintrack.prices.http.key-header", "chaintrack.prices.http.platform", "chaintrack.prices.http.currency",
      "chaintrack.prices.http.chain-id", "chaintrack.prices.http.tokens", "chaintrack.prices.http.rate-limit",
      "chaintrack.prices.http.poll-interval", "chaintrack.prices.http.breaker-open", "chaintrack.prices.http.metrics-port");

  public static final List<String> STACK = List.of(
      "chaintrack.stack.state-dir", "chaintrack.stack.fresh", "chaintrack.stack.postgres-port",
      "chaintrack.stack.windows", "chaintrack.stack.seed", "chaintrack.stack.blocks-per-second",
      "chaintrack.stack.transfers-per-block", "chaintrack.stack.addresses", "chaintrack.stack.reorg-probability",
      "chaintrack.stack.checkpoint-interval", "chaintrack.stack.bind-address", "chaintrack.stack.reconcile-interval",
      "chaintrack.stack.utxo-chain");

  public static final List<String> RECONCILE = List.of(
      "chaintrack.reconcile.recent-blocks", "chaintrack.reconcile.sample-blocks", "chaintrack.reconcile.seed",
      "chaintrack.reconcile.settle");

  public static final List<String> WALLET_SYNC = List.of(
      "chaintrack.wallet-sync.interval", "chaintrack.wallet-sync.lease", "chaintrack.wallet-sync.explorer-url", "chaintrack.wallet-sync.explorer-key",
      "chaintrack.wallet-sync.explorer-rate-limit", "chaintrack.wallet-sync.explorer-page-size",
      "chaintrack.wallet-sync.explorer-result-cap", "chaintrack.wallet-sync.webhook-max-attempts",
      "chaintrack.wallet-sync.webhook-backoff", "chaintrack.wallet-sync.metrics-port");

  public static final List<String> API = List.of(
      "chaintrack.api.http-port", "chaintrack.api.grpc-port",
      "chaintrack.api.datasource.url", "chaintrack.api.datasource.user", "chaintrack.api.datasource.password",
      "chaintrack.api.datasource.pool-size",
      "chaintrack.api.default-window-seconds", "chaintrack.api.window-seconds", "chaintrack.api.default-limit",
      "chaintrack.api.max-limit", "chaintrack.api.cursor-secret", "chaintrack.api.query-timeout",
      "chaintrack.api.request-timeout", "chaintrack.api.validate-schema",
      "chaintrack.api.access-log", "chaintrack.api.access-log-slow-after", "chaintrack.api.batch.max-batch", "chaintrack.api.batch.max-concurrent",
      "chaintrack.api.auth.enabled", "chaintrack.api.auth.local-share", "chaintrack.api.auth.sync-period",
      "chaintrack.api.auth.oidc.issuer", "chaintrack.api.auth.oidc.audience", "chaintrack.api.auth.oidc.tier",
      "chaintrack.api.auth.oidc.clock-skew",
      "chaintrack.api.wallets.max-per-user", "chaintrack.api.wallets.max-import-rows",
      "chaintrack.api.cors.allowed-origins",
      "chaintrack.api.chain-status.stale-after",
      "chaintrack.api.streams.max-streams", "chaintrack.api.streams.max-streams-per-client", "chaintrack.api.streams.poll-interval", "chaintrack.api.streams.threads",
      "chaintrack.api.streams.reorg-margin-blocks", "chaintrack.api.streams.max-rows-per-poll",
      "chaintrack.api.streams.heartbeat", "chaintrack.api.streams.anomaly-margin",
      "chaintrack.api.cache.enabled", "chaintrack.api.cache.default-ttl", "chaintrack.api.cache.max-entries",
      "chaintrack.api.cache.refresh-interval",
      "chaintrack.api.health.consumer-groups", "chaintrack.api.health.ingest-status-stale-after",
      "chaintrack.api.prices.stale-after", "chaintrack.api.prices.target-depth", "chaintrack.api.prices.outlier-deviation",
      "chaintrack.prices.reference-assets");

  /** Map settings: any key below these prefixes is an entry (chain id or method name after the prefix). */
  public static final List<String> MAP_PREFIXES = List.of(
      "chaintrack.api.chain-status.stale-after-by-chain.",
      "chaintrack.api.cache.ttls.");

  public static final Set<String> KEYS = Set.copyOf(
      Stream.of(SHARED, INGEST, BALANCES, ANALYTICS, PRICES, STACK, RECONCILE, WALLET_SYNC, API).flatMap(List::stream).toList());
}
