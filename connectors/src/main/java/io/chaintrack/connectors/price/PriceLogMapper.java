package io.chaintrack.connectors.price;

import io.chaintrack.connectors.price.PriceLogDecoder.AggregatorAnswer;
import io.chaintrack.connectors.price.PriceLogDecoder.Observation;
import io.chaintrack.connectors.price.PriceLogDecoder.PoolDiscovered;
import io.chaintrack.connectors.price.PriceLogDecoder.V2Reserves;
import io.chaintrack.connectors.price.PriceLogDecoder.V3State;
import io.chaintrack.connectors.price.PriceSourcesConfig.Dex;
import io.chaintrack.core.model.Uint256;
import io.chaintrack.proto.v1.PriceLog;
import io.chaintrack.proto.v1.PoolCreated;
import io.chaintrack.proto.v1.V3SwapState;
import com.google.protobuf.ByteString;
import java.util.List;
import java.util.Optional;

/**
 * Which price logs a chain keeps, as {@link PriceLog} protos: Sync/Swap of configured pools (or of any emitter when
 * a factory of that kind is configured: whether it is one of its pools is known only downstream, from the
 * factory's PairCreated/PoolCreated), AnswerUpdated of configured aggregators, pool creations of configured factories.
 * A log with a price topic but the wrong ABI shape throws IllegalArgumentException (the caller counts and skips it).
 */
public final class PriceLogMapper {
    private final PriceSourcesConfig config;
    private final boolean anyV2;
    private final boolean anyV3;

    public PriceLogMapper(PriceSourcesConfig config) {
        this.config = config;
        this.anyV2 = config.hasFactory(Dex.V2);
        this.anyV3 = config.hasFactory(Dex.V3);
    }

    public static boolean isPriceTopic(String topic0) {
        return PriceLogDecoder.TOPICS.contains(topic0);
    }

    /** The kept price log, empty when the log is not one this chain follows. */
    public Optional<PriceLog> map(String address, List<String> topics, String data, int txIndex, int logIndex) {
        if (config.isEmpty()) {
            return Optional.empty();
        }
        Optional<Observation> decoded = PriceLogDecoder.decode(address, topics, data);
        if (decoded.isEmpty()) {
            return Optional.empty();
        }
        PriceLog.Builder b = PriceLog.newBuilder().setTxIndex(txIndex).setLogIndex(logIndex);
        Observation o = decoded.get();
        if (o instanceof V2Reserves r) {
            if (!anyV2 && config.pool(r.pool()).filter(p -> p.dex() == Dex.V2).isEmpty()) {
                return Optional.empty();
            }
            b.setAddress(r.pool()).setV2Reserves(io.chaintrack.proto.v1.V2Reserves.newBuilder()
                    .setReserve0(Uint256.encode(r.reserve0())).setReserve1(Uint256.encode(r.reserve1())));
        } else if (o instanceof V3State s) {
            if (!anyV3 && config.pool(s.pool()).filter(p -> p.dex() == Dex.V3).isEmpty()) {
                return Optional.empty();
            }
            b.setAddress(s.pool()).setV3Swap(V3SwapState.newBuilder().setSqrtPriceX96(Uint256.encode(s.sqrtPriceX96()))
                    .setLiquidity(Uint256.encode(s.liquidity())).setTick(s.tick()));
        } else if (o instanceof AggregatorAnswer a) {
            if (config.feedsOf(a.aggregator()).isEmpty()) {
                return Optional.empty();
            }
            b.setAddress(a.aggregator()).setAnswer(io.chaintrack.proto.v1.AggregatorAnswer.newBuilder()
                    .setAnswer(ByteString.copyFrom(a.answer().toByteArray()))
                    .setRoundId(Uint256.encode(a.roundId())).setUpdatedAt(a.updatedAt()));
        } else if (o instanceof PoolDiscovered d) {
            Dex dex = d.fee() < 0 ? Dex.V2 : Dex.V3;
            if (config.factory(d.factory()).filter(f -> f.dex() == dex).isEmpty()) {
                return Optional.empty();
            }
            b.setAddress(d.factory()).setPoolCreated(PoolCreated.newBuilder().setToken0(d.token0())
                    .setToken1(d.token1()).setPool(d.pool()).setFee(d.fee()));
        }
        return Optional.of(b.build());
    }
}
