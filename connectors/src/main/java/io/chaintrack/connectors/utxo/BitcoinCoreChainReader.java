package io.chaintrack.connectors.utxo;

import com.fasterxml.jackson.databind.JsonNode;
import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.EvmMetrics;
import io.chaintrack.connectors.evm.FinalityPolicy;
import io.chaintrack.connectors.evm.fetch.BlockRef;
import io.chaintrack.connectors.evm.fetch.ChainIdMismatchException;
import io.chaintrack.connectors.evm.fetch.ChainReader;
import io.chaintrack.connectors.evm.fetch.Fetched;
import io.chaintrack.connectors.evm.fetch.HeadPoll;
import io.chaintrack.connectors.evm.fetch.InconsistentChainDataException;
import io.chaintrack.connectors.evm.rpc.RpcClient;
import io.chaintrack.connectors.evm.rpc.RpcException;
import io.chaintrack.connectors.evm.rpc.RpcRequest;
import io.chaintrack.connectors.evm.rpc.RpcResult;
import io.chaintrack.connectors.utxo.decode.UtxoBlockMapper;
import io.chaintrack.core.utxo.UtxoAddresses;
import io.chaintrack.core.utxo.UtxoNetwork;
import io.chaintrack.proto.v1.ChainEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link ChainReader} over Bitcoin Core's JSON-RPC (and the Litecoin and Dogecoin forks of it), so the EVM source's
 * follower, reorg handling, rate limits and metrics serve UTXO chains unchanged. Blocks come with prevouts
 * (verbosity 3) where the node offers it; otherwise the spent outputs are read with getrawtransaction. A range is
 * emitted only when each block's parent is the block before it.
 */
public final class BitcoinCoreChainReader implements ChainReader {
    private final EvmChainConfig config;
    private final UtxoNetwork network;
    private final RpcClient client;
    private final UtxoBlockMapper mapper;
    private final boolean ownsClient;
    private final EvmMetrics metrics;
    private final AtomicBoolean chainChecked = new AtomicBoolean();
    private volatile boolean prevoutsInBlocks = true;

    public BitcoinCoreChainReader(EvmChainConfig config, EvmMetrics metrics) {
        this(config, new RpcClient(config, metrics), metrics, true);
    }

    public BitcoinCoreChainReader(EvmChainConfig config, RpcClient client, EvmMetrics metrics, boolean ownsClient) {
        this.config = config;
        this.network = UtxoNetwork.byChainId(config.chainId()).orElseThrow(() -> new IllegalArgumentException(
                "chain id " + config.chainId() + " is not a UTXO network; known: " + UtxoNetwork.ALL.stream()
                        .map(n -> n.name() + "=" + n.chainId()).toList()));
        if (config.finality().kind() != FinalityPolicy.Kind.CONFIRMATIONS) {
            throw new IllegalArgumentException("chain " + config.chainName() + ": UTXO chains are final by confirmations"
                    + " only, not '" + config.finality() + "'");
        }
        this.client = client;
        this.metrics = metrics;
        this.mapper = new UtxoBlockMapper(network);
        this.ownsClient = ownsClient;
    }

    /** The node must serve the configured network: its chain name ("main", "test", "regtest") must match. */
    private void checkChain() {
        if (chainChecked.get()) {
            return;
        }
        String served = client.call("getblockchaininfo").path("chain").asText("");
        String expected = network.name().contains("-") ? network.name().substring(network.name().indexOf('-') + 1) : "main";
        if (!served.equals(expected)) {
            throw new ChainIdMismatchException("chain " + config.chainName() + " is configured as " + network.name()
                    + " but its endpoint serves the '" + served + "' chain");
        }
        chainChecked.set(true);
    }

    @Override
    public HeadPoll poll(long checkNumber) {
        checkChain();
        Tip tip = checkNumber >= 0 ? tip(checkNumber, checkNumber) : tip(0, -1);
        BlockRef check = tip.hashes().isEmpty() ? null : refs(tip.hashes()).get(0);
        metrics.head(config.chainName(), tip.height());
        return new HeadPoll(tip.height(), tip.height() - config.finality().confirmations(), check);
    }

    @Override
    public List<BlockRef> headers(long from, long to) {
        return refs(tip(from, to).hashes());
    }

    /** The canonical headers of {@code hashes} (null stays null), in one batch. */
    private List<BlockRef> refs(List<String> hashes) {
        List<RpcRequest> reqs = new ArrayList<>();
        for (String h : hashes) {
            if (h != null) {
                reqs.add(RpcRequest.of("getblockheader", h, true));
            }
        }
        List<RpcResult> res = reqs.isEmpty() ? List.of() : client.batch(reqs);
        List<BlockRef> out = new ArrayList<>();
        int i = 0;
        for (String h : hashes) {
            if (h == null) {
                out.add(null);
                continue;
            }
            RpcResult r = res.get(i++);
            out.add(r.ok() && r.result() != null && !r.result().isNull() ? ref(r.result()) : null);
        }
        return out;
    }

    @Override
    public Fetched fetch(long from, long to) {
        if (to < from) {
            throw new IllegalArgumentException("empty range " + from + ".." + to);
        }
        checkChain();
        String last = null;
        for (int attempt = 1; attempt <= config.maxFetchAttempts(); attempt++) {
            Tip tip = tip(from, to);
            long head = tip.height();
            if (tip.hashes().isEmpty() || tip.hashes().get(0) == null) {
                return new Fetched(List.of(), head);
            }
            List<JsonNode> blocks = blocks(tip.hashes());
            // spent transactions read for this range only: a prevout is needed once, when its spender is mapped
            Map<String, JsonNode> spentTxs = new HashMap<>();
            List<ChainEvent> events = new ArrayList<>();
            String parent = null;
            String problem = null;
            for (int i = 0; i < blocks.size(); i++) {
                JsonNode b = blocks.get(i);
                if (b == null) {
                    break;
                }
                String hash = "0x" + b.path("hash").asText().toLowerCase(Locale.ROOT);
                String prev = b.hasNonNull("previousblockhash")
                        ? "0x" + b.get("previousblockhash").asText().toLowerCase(Locale.ROOT) : null;
                if (parent != null && !parent.equals(prev)) {
                    problem = "block " + (from + i) + " does not extend block " + (from + i - 1) + " (a reorg mid-fetch)";
                    break;
                }
                events.add(mapper.map(b, prevoutsInBlocks ? null : (txid, n) -> prevout(spentTxs, txid, n)));
                parent = hash;
            }
            if (problem == null) {
                return new Fetched(events, head);
            }
            last = problem;
        }
        throw new InconsistentChainDataException("chain " + config.chainName() + ": blocks " + from + ".." + to
                + " kept changing under the fetch: " + last);
    }

    /** The node's height and its block hashes at from..to (null where it has none yet), in one batch. */
    private record Tip(long height, List<String> hashes) {}

    private Tip tip(long from, long to) {
        List<RpcRequest> reqs = new ArrayList<>();
        reqs.add(RpcRequest.of("getblockcount"));
        for (long n = from; n <= to; n++) {
            reqs.add(RpcRequest.of("getblockhash", n));
        }
        List<RpcResult> res = client.batch(reqs);
        long height = res.get(0).ok() && res.get(0).result() != null ? res.get(0).result().asLong(-1) : -1;
        if (height < 0) {
            throw new RpcException("chain " + config.chainName() + ": getblockcount gave no height (" + res.get(0).error() + ")");
        }
        List<String> hashes = new ArrayList<>();
        for (RpcResult r : res.subList(1, res.size())) {
            // -8 "Block height out of range": the node has no block there yet
            hashes.add(r.ok() && r.result() != null && r.result().isTextual() ? r.result().asText() : null);
        }
        return new Tip(height, hashes);
    }

    private List<JsonNode> blocks(List<String> hashes) {
        List<RpcRequest> reqs = new ArrayList<>();
        for (String h : hashes) {
            if (h == null) {
                break;
            }
            reqs.add(RpcRequest.of("getblock", h, prevoutsInBlocks ? 3 : 2));
        }
        if (reqs.isEmpty()) {
            return List.of();
        }
        List<RpcResult> res = client.batch(reqs);
        if (prevoutsInBlocks && !res.isEmpty() && !res.get(0).ok() && verbosityRefused(res.get(0))) {
            // nodes before Bitcoin Core 23 and Dogecoin Core know verbosity 2 at most: read prevouts one by one
            prevoutsInBlocks = false;
            return blocks(hashes);
        }
        List<JsonNode> out = new ArrayList<>();
        for (RpcResult r : res) {
            out.add(r.ok() ? r.result() : null);
        }
        return out;
    }

    private static boolean verbosityRefused(RpcResult r) {
        String m = String.valueOf(r.error()).toLowerCase(Locale.ROOT);
        return m.contains("verbosity") || m.contains("-8") || m.contains("invalid");
    }

    private UtxoBlockMapper.Output prevout(Map<String, JsonNode> spentTxs, String txid, int vout) {
        JsonNode tx = spentTxs.computeIfAbsent(txid, id -> client.call("getrawtransaction", id, true));
        JsonNode outputs = tx.path("vout");
        if (vout < 0 || vout >= outputs.size()) {
            throw new InconsistentChainDataException("transaction " + txid + " has no output " + vout);
        }
        JsonNode o = outputs.get(vout);
        return mapper.output(o.path("scriptPubKey"), UtxoAddresses.baseUnits(o.get("value").decimalValue()));
    }

    private static BlockRef ref(JsonNode header) {
        return new BlockRef(header.path("height").asLong(),
                "0x" + header.path("hash").asText().toLowerCase(Locale.ROOT),
                header.hasNonNull("previousblockhash")
                        ? "0x" + header.get("previousblockhash").asText().toLowerCase(Locale.ROOT)
                        : "0x" + "0".repeat(64));
    }

    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }
}
