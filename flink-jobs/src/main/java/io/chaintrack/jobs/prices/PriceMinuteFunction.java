package io.chaintrack.jobs.prices;

import io.chaintrack.connectors.flink.ProtobufTypeInfo;
import io.chaintrack.connectors.price.PoolPrices;
import io.chaintrack.core.price.PriceMath;
import io.chaintrack.connectors.price.PriceSourcesConfig;
import io.chaintrack.connectors.price.PriceSourcesConfig.Dex;
import io.chaintrack.connectors.price.PriceSourcesConfig.Feed;
import io.chaintrack.connectors.price.PriceSourcesConfig.Pool;
import io.chaintrack.core.model.Uint256;
import io.chaintrack.proto.v1.ChainEvent;
import io.chaintrack.proto.v1.ChainEventType;
import io.chaintrack.proto.v1.PriceLog;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by (chain, price source address), fed the per-source slices of canonical APPLIED/REVERTED events (after the
 * canonical chain gate): the token_prices rows of each minute a block touches, recomputed from the blocks still
 * applied, so a minute's row is always the source's last observation within that minute on the canonical chain
 * (a tombstone when none is left). Invariant: it holds every applied block of the last {@code reorgDepth} blocks
 * it saw plus the newest older one, which is all a reorg the gate lets through can need.
 */
public final class PriceMinuteFunction extends KeyedProcessFunction<String, ChainEvent, PriceRow> {
    private static final long serialVersionUID = 1L;
    static final String V2_PREFIX = "uniswap-v2:";
    static final String V3_PREFIX = "uniswap-v3:";
    static final String FEED_PREFIX = "chainlink:";

    private final PriceSourcesConfig config;
    private final int reorgDepth;
    /** Blocks applied that carry an observation of this source, by number (slices holding only its price logs). */
    private transient MapState<Long, ChainEvent> blocks;
    /** A pool discovered from its factory: "v2|token0|token1" (configured pools come from the configuration). */
    private transient ValueState<String> discovered;

    public PriceMinuteFunction(PriceSourcesConfig config, int reorgDepth) {
        if (reorgDepth < 1) {
            throw new IllegalArgumentException("reorgDepth must be at least 1, got " + reorgDepth);
        }
        this.config = config;
        this.reorgDepth = reorgDepth;
    }

    @Override
    public void open(OpenContext ctx) {
        blocks = getRuntimeContext().getMapState(new MapStateDescriptor<>("blocks", Types.LONG, ProtobufTypeInfo.CHAIN_EVENT));
        discovered = getRuntimeContext().getState(new ValueStateDescriptor<>("discovered-pool", Types.STRING));
    }

    @Override
    public void processElement(ChainEvent e, Context ctx, Collector<PriceRow> out) throws Exception {
        long number = e.getBlock().getNumber();
        boolean applied = e.getType() == ChainEventType.CHAIN_EVENT_TYPE_APPLIED;
        for (PriceLog l : e.getPriceLogsList()) {
            // a pool address is fixed by its factory and tokens: a reverted creation cannot come back with others
            if (l.hasPoolCreated() && applied && discovered.value() == null) {
                discovered.update((l.getPoolCreated().getFee() < 0 ? "v2" : "v3") + "|" + l.getPoolCreated().getToken0()
                        + "|" + l.getPoolCreated().getToken1());
            }
        }
        if (last(e) == null || keys(key(ctx)).isEmpty()) {
            // no observation, or of an emitter that is no followed pool (a Sync kept only because factories are on)
            return;
        }
        ChainEvent held = blocks.get(number);
        if (applied) {
            blocks.put(number, e);
            if (held != null && !held.getBlock().getHash().equals(e.getBlock().getHash())
                    && minute(held) != minute(e)) {
                emitMinute(ctx.getCurrentKey(), minute(held), out);
            }
            emitMinute(ctx.getCurrentKey(), minute(e), out);
            prune(number);
        } else if (held != null && held.getBlock().getHash().equals(e.getBlock().getHash())) {
            blocks.remove(number);
            emitMinute(ctx.getCurrentKey(), minute(held), out);
        }
    }

    private static String key(Context ctx) {
        String key = ctx.getCurrentKey();
        return key.substring(key.indexOf(':') + 1);
    }

    /** The rows of one minute from the newest applied block in it, tombstones for the keys it no longer has. */
    private void emitMinute(String key, long minute, Collector<PriceRow> out) throws Exception {
        ChainEvent newest = null;
        for (Map.Entry<Long, ChainEvent> b : blocks.entries()) {
            if (minute(b.getValue()) == minute && (newest == null || b.getKey() > newest.getBlock().getNumber())) {
                newest = b.getValue();
            }
        }
        long chainId = Long.parseLong(key.substring(0, key.indexOf(':')));
        String address = key.substring(key.indexOf(':') + 1);
        List<PriceRow> rows = newest == null ? List.of() : rows(chainId, address, newest);
        for (String[] tokenSource : keys(address)) {
            PriceRow row = rows.stream().filter(r -> r.token().equals(tokenSource[0])).findFirst()
                    .orElse(PriceRow.deletion(chainId, tokenSource[0], tokenSource[1], minute));
            out.collect(row);
        }
    }

    /** (token, source) of every row this source writes. */
    private List<String[]> keys(String address) throws Exception {
        List<String[]> out = new ArrayList<>();
        Pool pool = pool(address);
        if (pool != null) {
            String source = (pool.dex() == Dex.V2 ? V2_PREFIX : V3_PREFIX) + address;
            out.add(new String[] {pool.token0(), source});
            out.add(new String[] {pool.token1(), source});
        }
        for (Feed f : config.feedsOf(address)) {
            out.add(new String[] {f.token(), FEED_PREFIX + address});
        }
        return out;
    }

    private List<PriceRow> rows(long chainId, String address, ChainEvent block) throws Exception {
        PriceLog l = last(block);
        long minute = minute(block);
        long asOf = block.getBlock().getTimestamp() * 1000L;
        long number = block.getBlock().getNumber();
        List<PriceRow> out = new ArrayList<>();
        Pool pool = pool(address);
        if (pool != null && (l.hasV2Reserves() || l.hasV3Swap())) {
            PoolPrices.Side side0;
            PoolPrices.Side side1;
            String source;
            if (l.hasV2Reserves() && pool.dex() == Dex.V2) {
                BigInteger r0 = Uint256.decode(l.getV2Reserves().getReserve0());
                BigInteger r1 = Uint256.decode(l.getV2Reserves().getReserve1());
                side0 = PoolPrices.v2Token0(r0, r1);
                side1 = PoolPrices.v2Token1(r0, r1);
                source = V2_PREFIX + address;
            } else if (l.hasV3Swap() && pool.dex() == Dex.V3) {
                BigInteger sqrt = Uint256.decode(l.getV3Swap().getSqrtPriceX96());
                BigInteger liq = Uint256.decode(l.getV3Swap().getLiquidity());
                side0 = PoolPrices.v3Token0(sqrt, liq);
                side1 = PoolPrices.v3Token1(sqrt, liq);
                source = V3_PREFIX + address;
            } else {
                return out;
            }
            if (side0 != null) {
                out.add(new PriceRow(chainId, pool.token0(), source, minute, pool.token1(), PriceRow.UNIT_BASE,
                        side0.price(), side0.liquidity(), asOf, number, false));
            }
            if (side1 != null) {
                out.add(new PriceRow(chainId, pool.token1(), source, minute, pool.token0(), PriceRow.UNIT_BASE,
                        side1.price(), side1.liquidity(), asOf, number, false));
            }
        }
        if (l.hasAnswer()) {
            BigInteger answer = new BigInteger(l.getAnswer().getAnswer().toByteArray());
            for (Feed f : config.feedsOf(address)) {
                if (answer.signum() > 0) {
                    BigDecimal price = PriceMath.aggregatorPrice(answer, f.decimals());
                    out.add(new PriceRow(chainId, f.token(), FEED_PREFIX + address, minute, f.quote(), PriceRow.UNIT_WHOLE,
                            price, null, asOf, number, false));
                }
            }
        }
        return out;
    }

    private Pool pool(String address) throws Exception {
        Pool configured = config.pool(address).orElse(null);
        if (configured != null) {
            return configured;
        }
        String d = discovered.value();
        if (d == null) {
            return null;
        }
        String[] f = d.split("\\|");
        return new Pool(f[0].equals("v2") ? Dex.V2 : Dex.V3, address, f[1], f[2]);
    }

    /**
     * Drops blocks no reorg can reach (the gate holds {@code reorgDepth} blocks, so at tip N it reverts N-depth+1 at
     * the lowest): all but the newest of them, which stays the row of its minute if every later block in it goes.
     */
    private void prune(long newest) throws Exception {
        long horizon = newest - reorgDepth;
        long keep = -1;
        List<Long> old = new ArrayList<>();
        for (Long n : blocks.keys()) {
            if (n <= horizon) {
                old.add(n);
                keep = Math.max(keep, n);
            }
        }
        for (Long n : old) {
            if (n != keep) {
                blocks.remove(n);
            }
        }
    }

    /** The block's last price observation of this source (pool creations are not observations), or null. */
    private static PriceLog last(ChainEvent e) {
        PriceLog last = null;
        for (PriceLog l : e.getPriceLogsList()) {
            if (!l.hasPoolCreated()) {
                last = l;
            }
        }
        return last;
    }

    private static long minute(ChainEvent e) {
        return PriceRow.minuteOf(e.getBlock().getTimestamp() * 1000L);
    }
}
