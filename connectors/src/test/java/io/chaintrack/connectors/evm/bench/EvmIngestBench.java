package io.chaintrack.connectors.evm.bench;

import static io.chaintrack.connectors.evm.testkit.HardhatChain.addr;
import static io.chaintrack.connectors.evm.testkit.HardhatChain.call;
import static io.chaintrack.connectors.evm.testkit.HardhatChain.u;

import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.EvmChainSource;
import io.chaintrack.connectors.evm.FinalityPolicy;
import io.chaintrack.connectors.evm.testkit.HardhatChain;
import io.chaintrack.connectors.evm.testkit.HardhatNode;
import io.chaintrack.proto.v1.ChainEvent;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.math.BigInteger;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.web3j.protocol.core.BatchRequest;
import org.web3j.protocol.core.methods.request.Transaction;

/**
 * Ingestion benchmark against a local Hardhat node: mines N blocks of M ERC-20 transfers, then reads them
 * with the EVM source on a local Flink environment at each requested parallelism (bounded run, `finalized`
 * policy so everything is parallel backfill). Prints one tab-separated result line per parallelism:
 * parallelism, blocks, transfers emitted, seconds, blocks/s, transfers/s, HTTP calls, calls/block.
 * Usage: EvmIngestBench N M parallelism...
 */
public final class EvmIngestBench {
    private static final PrometheusRegistry REGISTRY = new PrometheusRegistry();
    static final AtomicLong EVENTS = new AtomicLong();
    static final AtomicLong TRANSFERS = new AtomicLong();

    static PrometheusRegistry registry() {
        return REGISTRY;
    }

    /** Counts what reaches it, nothing else. */
    static final class CountingSink implements Sink<ChainEvent> {
        @Override
        public SinkWriter<ChainEvent> createWriter(WriterInitContext context) {
            return new SinkWriter<>() {
                @Override
                public void write(ChainEvent e, Context c) {
                    EVENTS.incrementAndGet();
                    TRANSFERS.addAndGet(e.getTransfersCount());
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }

    public static void main(String[] args) throws Exception {
        int blocks = Integer.parseInt(args[0]);
        int perBlock = Integer.parseInt(args[1]);
        try (HardhatNode node = HardhatNode.start(); HardhatChain chain = new HardhatChain(node.url())) {
            List<String> accounts = chain.accounts();
            chain.automine(true);
            String token = chain.deploy("TestToken20", accounts.get(0));
            for (int i = 0; i < 10; i++) {
                chain.send(accounts.get(0), token, BigInteger.ZERO, call("mint", addr(accounts.get(i)), u(1_000_000_000L)));
            }
            chain.automine(false);
            long start = chain.blockNumber() + 1;
            long t0 = System.nanoTime();
            for (int b = 0; b < blocks; b++) {
                BatchRequest batch = chain.web3j().newBatch();
                for (int t = 0; t < perBlock; t++) {
                    String from = accounts.get(t % 10);
                    String to = accounts.get((t + 1 + b) % 10);
                    batch.add(chain.web3j().ethSendTransaction(new Transaction(from, null, null,
                            BigInteger.valueOf(100_000), token, BigInteger.ZERO, call("transfer", addr(to), u(1 + t)))));
                }
                if (perBlock > 0) {
                    batch.send();
                }
                chain.mine();
            }
            long end = chain.blockNumber();
            System.err.printf("mined %d blocks of %d transfers in %.1f s%n", end - start + 1, perBlock,
                    (System.nanoTime() - t0) / 1e9);

            for (int i = 2; i < args.length; i++) {
                int parallelism = Integer.parseInt(args[i]);
                EVENTS.set(0);
                TRANSFERS.set(0);
                double callsBefore = totalCalls();
                EvmChainConfig config = EvmChainConfig.builder(31337, "bench-p" + parallelism).endpoint(node.url())
                        .finality(FinalityPolicy.finalized()).startBlock(start).endBlock(end)
                        .blocksPerSplit(50).blocksPerFetch(10).maxBatchSize(200).build();
                Configuration conf = new Configuration();
                StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
                env.fromSource(EvmChainSource.create(config, EvmIngestBench::registry), WatermarkStrategy.noWatermarks(),
                                "evm-bench").uid("evm-bench")
                        .sinkTo(new CountingSink()).name("count").uid("count");
                long j0 = System.nanoTime();
                env.execute("evm-bench-p" + parallelism);
                double seconds = (System.nanoTime() - j0) / 1e9;
                double calls = totalCalls() - callsBefore;
                long n = EVENTS.get();
                if (n != end - start + 1) {
                    throw new IllegalStateException("expected " + (end - start + 1) + " events, got " + n);
                }
                System.out.printf("%d\t%d\t%d\t%.2f\t%.1f\t%.0f\t%.0f\t%.2f%n", parallelism, n, TRANSFERS.get(), seconds,
                        n / seconds, TRANSFERS.get() / seconds, calls, calls / n);
            }
        }
    }

    private static double totalCalls() {
        double sum = 0;
        for (MetricSnapshot s : REGISTRY.scrape()) {
            if (s instanceof CounterSnapshot c && c.getMetadata().getName().equals("chaintrack_rpc_calls")) {
                for (CounterSnapshot.CounterDataPointSnapshot d : c.getDataPoints()) {
                    sum += d.getValue();
                }
            }
        }
        return sum;
    }
}
