package io.chaintrack.stack;

import io.chaintrack.api.QueryApi;
import io.chaintrack.core.config.ConfigKey;
import io.chaintrack.core.config.ConfiguredCommandLine;
import io.chaintrack.embedded.EmbeddedKafkaBroker;
import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.preset.ChainPresets;
import io.chaintrack.embedded.EmbeddedPostgresServer;
import io.chaintrack.connectors.kafka.TopicCatalog;
import io.chaintrack.connectors.postgres.PostgresSinkOptions;
import io.chaintrack.connectors.synthetic.SyntheticChainConfig;
import io.chaintrack.jobs.analytics.AnalyticsConfig;
import io.chaintrack.jobs.analytics.AnalyticsJob;
import io.chaintrack.jobs.balances.BalanceJob;
import io.chaintrack.jobs.balances.BalanceJobConfig;
import io.chaintrack.core.config.DurationConverter;
import io.chaintrack.jobs.common.KafkaInput;
import io.chaintrack.jobs.common.JobEnvironment;
import io.chaintrack.jobs.ingest.EvmOptions;
import io.chaintrack.jobs.ingest.IngestJob;
import io.chaintrack.jobs.walletsync.WalletSyncOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The whole of chaintrack on one machine: embedded PostgreSQL and Kafka, both Flink jobs in one local
 * MiniCluster, the API. State lives in one directory; Ctrl-C stops with a savepoint that the next run resumes from.
 */
@Command(name = "stack", mixinStandardHelpOptions = true,
        description = "Run PostgreSQL, Kafka, the Flink jobs, the synthetic chain and the API on this machine.")
final class StackCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(StackCommand.class);

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @ConfigKey("chaintrack.stack.state-dir")
    @Option(names = "--state-dir", defaultValue = ".chaintrack", description = "Where data, Kafka logs and savepoints live (default: ${DEFAULT-VALUE}).")
    Path stateDir;

    @ConfigKey("chaintrack.stack.fresh")
    @Option(names = "--fresh", description = "Delete the state directory first.")
    boolean fresh;

    @ConfigKey("chaintrack.api.http-port")
    @Option(names = "--http-port", defaultValue = "8080", description = "REST port (default: ${DEFAULT-VALUE}).")
    int httpPort;

    @ConfigKey("chaintrack.api.grpc-port")
    @Option(names = "--grpc-port", defaultValue = "50051", description = "gRPC port (default: ${DEFAULT-VALUE}).")
    int grpcPort;

    @ConfigKey("chaintrack.stack.postgres-port")
    @Option(names = "--postgres-port", defaultValue = "54329", description = "Embedded PostgreSQL port (default: ${DEFAULT-VALUE}).")
    int postgresPort;

    @ConfigKey("chaintrack.stack.windows")
    @Option(names = "--windows", defaultValue = "1h", split = ",", converter = DurationConverter.class,
            description = "Balance window sizes, each dividing a day (default: ${DEFAULT-VALUE}).")
    List<Duration> windows;

    @ConfigKey("chaintrack.stack.seed")
    @Option(names = "--seed", defaultValue = "42", description = "Synthetic chain seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @ConfigKey("chaintrack.stack.blocks-per-second")
    @Option(names = "--blocks-per-second", defaultValue = "5", description = "Synthetic blocks emitted per second (default: ${DEFAULT-VALUE}).")
    double blocksPerSecond;

    @ConfigKey("chaintrack.stack.transfers-per-block")
    @Option(names = "--transfers-per-block", defaultValue = "40", description = "Synthetic transfers per block (default: ${DEFAULT-VALUE}).")
    int transfersPerBlock;

    @ConfigKey("chaintrack.stack.addresses")
    @Option(names = "--addresses", defaultValue = "2000", description = "Synthetic address count (default: ${DEFAULT-VALUE}).")
    int addresses;

    @ConfigKey("chaintrack.stack.reorg-probability")
    @Option(names = "--reorg-probability", defaultValue = "0.02", description = "Synthetic reorg probability per block (default: ${DEFAULT-VALUE}).")
    double reorgProbability;

    @ConfigKey("chaintrack.ingest.chain-id")
    @Option(names = "--chain-id", defaultValue = "31337", description = "With --rpc-url: the chain id the node reports (default: ${DEFAULT-VALUE}, Hardhat).")
    long evmChainId;

    /** The ingest role's EVM options and keys, so a key means the same here and there; --rpc-url switches them on. */
    @Mixin
    EvmOptions evm = EvmOptions.withPollInterval(Duration.ofMillis(250));

    /** The HTTP price poller, started next to the jobs when a base URL is set. */
    @Mixin
    io.chaintrack.jobs.prices.HttpPriceOptions priceHttp = new io.chaintrack.jobs.prices.HttpPriceOptions();

    @ConfigKey("chaintrack.stack.bind-address")
    @Option(names = "--bind-address", defaultValue = "127.0.0.1",
            description = "Address REST, gRPC, PostgreSQL and the Flink REST endpoint listen on; 0.0.0.0 for every interface (default: ${DEFAULT-VALUE}).")
    String bindAddress;

    @ConfigKey("chaintrack.api.auth.enabled")
    @Option(names = "--auth", arity = "1", defaultValue = "false",
            description = "Require API keys (create one with 'chaintrack keys create'): true or false (default: ${DEFAULT-VALUE}).")
    boolean auth;

    @ConfigKey("chaintrack.api.auth.oidc.issuer")
    @Option(names = "--oidc-issuer", description = "With --auth true: also sign users in with bearer tokens of this OpenID Connect"
            + " issuer (its URL exactly as the tokens' iss); needs --oidc-audience.")
    String oidcIssuer;

    @ConfigKey("chaintrack.api.auth.oidc.audience")
    @Option(names = "--oidc-audience", description = "The audience (aud) the --oidc-issuer tokens must carry.")
    String oidcAudience;

    @ConfigKey("chaintrack.stack.utxo-chain")
    @Option(names = "--utxo-chain", arity = "0..1", defaultValue = "false", fallbackValue = "true",
            description = "Also run a synthetic Bitcoin-regtest chain (a block a second, a 2-block reorg every 40), served in"
                    + " Bitcoin Core's JSON-RPC on a local port, and follow it next to the EVM chain (default: ${DEFAULT-VALUE}).")
    boolean utxoChain;

    @ConfigKey("chaintrack.stack.checkpoint-interval")
    @Option(names = "--checkpoint-interval", defaultValue = "5s", converter = DurationConverter.class,
            description = "Flink checkpoint interval (default: ${DEFAULT-VALUE}).")
    Duration checkpointInterval;

    @ConfigKey("chaintrack.stack.reconcile-interval")
    @Option(names = "--reconcile-interval", defaultValue = "1h", converter = DurationConverter.class,
            description = "With --rpc-url: compare balances and blocks with the node's this often (chaintrack reconcile"
                    + " on a schedule, first run after a minute); 0 turns it off (default: ${DEFAULT-VALUE}).")
    Duration reconcileInterval;

    /** With --rpc-url: the wallet history sync worker (below the chain's start block), beside the reconciler. */
    @Mixin
    WalletSyncOptions walletSync = new WalletSyncOptions();

    @Mixin
    ConfiguredCommandLine.ConfigFileOption configFile = new ConfiguredCommandLine.ConfigFileOption();

    @Override
    public Integer call() throws Exception {
        try {
            walletSync.validate();
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        if (fresh) {
            StateDirectory.delete(stateDir);
        }
        StateDirectory state = StateDirectory.open(stateDir);
        CountDownLatch stopped = new CountDownLatch(1);
        Stack stack = new Stack();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stack.stop(state);
            stopped.countDown();
        }, "chaintrack-stop"));
        stack.start(state);
        stopped.await();
        return 0;
    }

    long chainId() {
        return evm.hasEndpoints() ? evmChainId : syntheticConfig().chainId();
    }

    /** The EVM follower the stack runs with --rpc-url, built exactly as the ingest role builds it. */
    EvmChainConfig evmConfig() {
        try {
            // on a dev node (31337) the prefunded balances are read at block 0, or every native balance is off by them
            return evm.toConfig(evmChainId, ChainPresets.forDevChain(evmChainId));
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    /**
     * PostgreSQL's listen_addresses for --bind-address. The stack connects to it as localhost, which resolves to ::1
     * first on some hosts: a loopback bind address keeps PostgreSQL on every loopback address, and a wildcard one
     * ('*') on every address of both families.
     */
    String postgresListenAddresses() {
        try {
            java.net.InetAddress address = java.net.InetAddress.getByName(bindAddress);
            if (address.isLoopbackAddress()) {
                return "localhost";
            }
            return address.isAnyLocalAddress() ? "*" : "localhost," + bindAddress;
        } catch (java.net.UnknownHostException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--bind-address " + bindAddress + " is not an address of this machine", e);
        }
    }

    SyntheticChainConfig syntheticConfig() {
        return SyntheticChainConfig.defaults()
                .withSeed(seed)
                .withBlocksPerSecond(blocksPerSecond)
                .withTransfersPerBlock(transfersPerBlock)
                .withAddresses(addresses)
                .withReorgs(reorgProbability, 6);
    }

    /**
     * What runs, started in dependency order (the API before the jobs, so that it serves while they restore) and
     * stopped API first, then the jobs with a savepoint, Kafka and PostgreSQL.
     */
    final class Stack {
        volatile EmbeddedPostgresServer postgres;
        volatile EmbeddedKafkaBroker kafka;
        volatile JobClient job;
        volatile QueryApi api;
        volatile io.chaintrack.connectors.reconcile.ReconcileSchedule reconciliation;
        volatile WalletSyncOptions.Running walletSyncWorker;
        volatile io.chaintrack.connectors.utxo.synthetic.UtxoDemoNode utxoNode;
        volatile io.chaintrack.jobs.prices.HttpPricePoller pricePoller;
        /** Counted down once the jobs are submitted (or start-up failed): a stop waits for it. */
        private final CountDownLatch submitted = new CountDownLatch(1);

        void start(StateDirectory state) throws Exception {
            try {
                startServicesAndJobs(state);
            } finally {
                submitted.countDown();
            }
            new Examples(postgres.dataSource(), api.httpPort(), api.grpcPort(), chainId())
                    .printWhenReady(Duration.ofSeconds(90), System.out);
        }

        private void startServicesAndJobs(StateDirectory state) throws Exception {
            LOG.info("state directory {}", state.root().toAbsolutePath());
            postgres = EmbeddedPostgresServer.start(state.postgres(), postgresPort, postgresListenAddresses(),
                    state.postgresLog());
            LOG.info("PostgreSQL log: {}", state.postgresLog().toAbsolutePath());
            kafka = EmbeddedKafkaBroker.start(state.kafka());
            kafka.createTopics(TopicCatalog.all());
            // the API serves what PostgreSQL already holds while the MiniCluster starts and restores the jobs
            java.util.Map<String, Object> apiProperties = new java.util.HashMap<>(java.util.Map.of(
                    "chaintrack.api.window-seconds", windows.stream().map(Duration::toSeconds).toList(),
                    "chaintrack.api.default-window-seconds", windows.get(0).toSeconds(),
                    "chaintrack.api.auth.enabled", auth,
                    "micronaut.server.host", bindAddress,
                    "grpc.server.host", bindAddress));
            // the API routes a token priced in a reference asset (WETH) through that asset's USD sources (native's):
            // without this the stack's --price-reference-asset reached the price job only and such tokens had no price
            java.util.Map<String, String> references = evm.prices.toConfig().referenceAssets();
            if (!references.isEmpty()) {
                apiProperties.put("chaintrack.prices.reference-assets", references.entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue()).collect(java.util.stream.Collectors.joining(",")));
            }
            if (oidcIssuer != null && !oidcIssuer.isBlank()) {
                apiProperties.put("chaintrack.api.auth.oidc.issuer", oidcIssuer);
                apiProperties.put("chaintrack.api.auth.oidc.audience", oidcAudience == null ? "" : oidcAudience);
            }
            api = QueryApi.start(postgres.jdbcUrl(), postgres.user(), postgres.password(), httpPort, grpcPort, apiProperties);
            if (auth) {
                System.out.println("API keys are required: create one with  chaintrack keys create --jdbc-url "
                        + postgres.jdbcUrl() + " --name NAME --tier TIER  (tiers: chaintrack keys tiers --jdbc-url "
                        + postgres.jdbcUrl() + ")");
                if (oidcIssuer != null && !oidcIssuer.isBlank()) {
                    System.out.println("Users sign in with bearer tokens of " + oidcIssuer + " (audience " + oidcAudience
                            + "); a key can act for one: chaintrack keys create ... --user-issuer " + oidcIssuer + " --user-subject SUB");
                }
            }

            Configuration conf = new Configuration();
            conf.set(TaskManagerOptions.NUM_TASK_SLOTS, 8);
            conf.set(RestOptions.BIND_ADDRESS, bindAddress);
            conf.set(RestOptions.ADDRESS, bindAddress);
            // the MiniCluster's blob server and task manager would otherwise listen on the wildcard address
            conf.set(JobManagerOptions.BIND_HOST, bindAddress);
            conf.set(TaskManagerOptions.BIND_HOST, bindAddress);
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, state.checkpoints().toUri().toString());
            conf.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, state.savepoints().toUri().toString());
            state.restorePoint().ifPresent(snapshot -> {
                LOG.info("resuming from {}", snapshot);
                RecommitFenceFilter.restoring(state.age(snapshot));
                conf.set(StateRecoveryOptions.SAVEPOINT_PATH, snapshot);
            });
            // retained checkpoints outlive a run that is killed or cannot stop with a savepoint: the next run resumes from them
            StreamExecutionEnvironment env = JobEnvironment.configure(
                    StreamExecutionEnvironment.createLocalEnvironment(1, conf), checkpointInterval, null);

            // the pipeline writes what the API reads: consumer lag, endpoint status and token metadata included
            PostgresSinkOptions tables = PostgresSinkOptions.of(postgres.jdbcUrl(), postgres.user(), postgres.password());
            if (evm.hasEndpoints()) {
                IngestJob.buildEvm(env, evmConfig(), kafka.bootstrapServers(), tables);
            } else {
                IngestJob.buildSynthetic(env, syntheticConfig(), kafka.bootstrapServers(), tables);
            }
            if (utxoChain) {
                utxoNode = startUtxoNode(state);
                IngestJob.buildEvm(env, "utxo-", utxoConfig(utxoNode.url()), kafka.bootstrapServers(), tables);
            }
            BalanceJob.addToEnvironment(env,
                    new KafkaInput(kafka.bootstrapServers(), "chaintrack-balances", false),
                    tables,
                    BalanceJobConfig.of(windows, Duration.ofDays(1)));
            AnalyticsJob.addToEnvironment(env,
                    new KafkaInput(kafka.bootstrapServers(), "chaintrack-analytics", false),
                    PostgresSinkOptions.of(postgres.jdbcUrl(), postgres.user(), postgres.password()),
                    AnalyticsConfig.defaults(), 5000);
            io.chaintrack.connectors.price.PriceSourcesConfig priceSources = evm.prices.toConfig();
            if (evm.hasEndpoints() && !priceSources.isEmpty()) {
                // the price job reads the price logs the EVM ingest adds to each ChainEvent when price sources are set
                io.chaintrack.jobs.prices.PriceJob.addToEnvironment(env,
                        new KafkaInput(kafka.bootstrapServers(), "chaintrack-prices", false), tables, priceSources,
                        evmConfig().reorgDepth());
            }
            if (priceHttp.enabled()) {
                pricePoller = priceHttp.startPoller(io.prometheus.metrics.model.registry.PrometheusRegistry.defaultRegistry, tables);
            }
            job = env.executeAsync("chaintrack-stack");
            if (evm.hasEndpoints() && walletSync.enabled()) {
                walletSyncWorker = walletSync.start(evmConfig(), tables);
            }
            if (evm.hasEndpoints() && !reconcileInterval.isZero()) {
                EvmChainConfig rpcConfig = evmConfig();
                String url = postgres.jdbcUrl();
                reconciliation = io.chaintrack.connectors.reconcile.ReconcileSchedule.start(
                        reconcileInterval.compareTo(Duration.ofMinutes(1)) < 0 ? reconcileInterval : Duration.ofMinutes(1),
                        reconcileInterval,
                        seed -> new io.chaintrack.connectors.reconcile.Reconciler(
                                new io.chaintrack.connectors.reconcile.ReconciliationStore(url, postgres.user(), postgres.password()),
                                rpcClient(rpcConfig),
                                io.chaintrack.connectors.reconcile.ReconcileOptions.defaults(evmChainId, seed)));
            }
        }

        void stop(StateDirectory state) {
            System.out.println("stopping chaintrack …");
            closeQuietly("reconciliation", reconciliation);
            closeQuietly("wallet sync", walletSyncWorker);
            closeQuietly("price poller", pricePoller);
            closeQuietly("api", api);
            try {
                // the API is up before the jobs: a stop in between lets them start, then stops them with a savepoint
                if (!submitted.await(120, TimeUnit.SECONDS)) {
                    LOG.warn("the jobs were not submitted within 120 s of the stop; stopping without them");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (job != null) {
                try {
                    String savepoint = job.stopWithSavepoint(false, state.savepoints().toUri().toString(),
                            SavepointFormatType.CANONICAL).get(90, TimeUnit.SECONDS);
                    state.rememberSavepoint(savepoint);
                    System.out.println("savepoint " + savepoint + " (the next run resumes from it)");
                } catch (Exception e) {
                    LOG.warn("could not stop with a savepoint; the next run resumes from the last completed checkpoint: {}", e.toString());
                    try {
                        job.cancel().get(30, TimeUnit.SECONDS);
                    } catch (Exception ignored) {
                        // the JVM is exiting; the MiniCluster dies with it
                    }
                }
            }
            closeQuietly("utxo chain", utxoNode);
            closeQuietly("kafka", kafka);
            closeQuietly("postgres", postgres);
            System.out.println("stopped");
        }

        private void closeQuietly(String what, AutoCloseable closeable) {
            if (closeable == null) {
                return;
            }
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", what, e.toString());
            }
        }
    }

    static final io.chaintrack.core.utxo.UtxoNetwork UTXO_NETWORK = io.chaintrack.core.utxo.UtxoNetwork.BITCOIN_REGTEST;

    /**
     * The demo UTXO chain grows with the clock from a genesis time kept in the state directory, so a restarted stack
     * rebuilds the same chain its checkpoints followed.
     */
    private io.chaintrack.connectors.utxo.synthetic.UtxoDemoNode startUtxoNode(StateDirectory state) throws java.io.IOException {
        Path genesisFile = state.root().resolve("utxo-genesis-millis");
        long genesis;
        if (Files.exists(genesisFile)) {
            genesis = Long.parseLong(Files.readString(genesisFile).trim());
        } else {
            genesis = System.currentTimeMillis();
            Files.writeString(genesisFile, Long.toString(genesis));
        }
        io.chaintrack.connectors.utxo.synthetic.UtxoDemoNode node = new io.chaintrack.connectors.utxo.synthetic.UtxoDemoNode(
                seed, UTXO_NETWORK, genesis, Duration.ofSeconds(1), 40);
        LOG.info("synthetic {} chain served in Bitcoin Core's JSON-RPC at {} (chain id {})", UTXO_NETWORK.name(), node.url(),
                UTXO_NETWORK.chainId());
        return node;
    }

    EvmChainConfig utxoConfig(String url) {
        return EvmChainConfig.builder(UTXO_NETWORK.chainId(), UTXO_NETWORK.name())
                .preset(io.chaintrack.connectors.evm.preset.ChainPresets.resolve(UTXO_NETWORK.name()))
                .endpoint(url).startBlock(0)
                // the demo chain reorgs at most 2 blocks: follow at the head, serve final below the reorg depth
                .finality(io.chaintrack.connectors.evm.FinalityPolicy.confirmations(0)).reorgDepth(6)
                .pollInterval(Duration.ofMillis(250)).build();
    }

    /** One client for the scheduled runs, shared by them (its rate limit then spans the runs). */
    private io.chaintrack.connectors.evm.rpc.RpcClient reconcileRpc;

    private synchronized io.chaintrack.connectors.evm.rpc.RpcClient rpcClient(EvmChainConfig config) {
        if (reconcileRpc == null) {
            reconcileRpc = new io.chaintrack.connectors.evm.rpc.RpcClient(config,
                    io.chaintrack.connectors.evm.EvmMetrics.on(io.chaintrack.connectors.evm.EvmMetrics.DEFAULT_REGISTRY.get()));
        }
        return reconcileRpc;
    }

    static boolean exists(Path p) {
        return Files.exists(p);
    }
}
