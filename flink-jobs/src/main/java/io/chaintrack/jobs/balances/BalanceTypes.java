package io.chaintrack.jobs.balances;

import io.chaintrack.core.model.BalanceKey;
import io.chaintrack.connectors.postgres.rows.BalanceWindowRow;
import io.chaintrack.connectors.postgres.rows.BlockRow;
import io.chaintrack.connectors.postgres.rows.ChainRow;
import io.chaintrack.connectors.postgres.rows.ChainTotalsRow;
import io.chaintrack.connectors.postgres.rows.CurrentBalanceRow;
import io.chaintrack.connectors.postgres.rows.NftOwnerRow;
import io.chaintrack.connectors.postgres.rows.TokenTotalsRow;
import io.chaintrack.connectors.postgres.rows.TransferRow;
import io.chaintrack.connectors.kafka.DeadLetter;
import io.chaintrack.connectors.flink.CodecTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * Explicit type information for every record the balance job moves or keeps, so none falls back to Kryo: hand-written
 * codecs for the hot keyed types, Flink POJOs (records) for the rest ({@link Types#POJO(Class)} fails at class load
 * if one ever stops being a POJO).
 */
public final class BalanceTypes {
    // keys, timers, window state and the one keyed shuffle: compact codecs (full snapshots write them every checkpoint)
    public static final TypeInformation<BalanceKey> ACCOUNT =
            new CodecTypeInfo<>(BalanceKey.class, new BalanceCodecs.AccountCodec());
    public static final TypeInformation<BalanceDelta> DELTA =
            new CodecTypeInfo<>(BalanceDelta.class, new BalanceCodecs.DeltaCodec());
    public static final TypeInformation<WindowAccumulator> WINDOW_ACCUMULATOR =
            new CodecTypeInfo<>(WindowAccumulator.class, new BalanceCodecs.AccumulatorCodec());
    public static final TypeInformation<ChainTotalsState> CHAIN_TOTALS_STATE = Types.POJO(ChainTotalsState.class);
    public static final TypeInformation<TokenTotalsState> TOKEN_TOTALS_STATE = Types.POJO(TokenTotalsState.class);

    public static final TypeInformation<ChainRow> CHAIN_ROW = Types.POJO(ChainRow.class);
    public static final TypeInformation<BlockRow> BLOCK_ROW = Types.POJO(BlockRow.class);
    public static final TypeInformation<TransferRow> TRANSFER_ROW = Types.POJO(TransferRow.class);
    public static final TypeInformation<BalanceWindowRow> BALANCE_WINDOW_ROW = Types.POJO(BalanceWindowRow.class);
    public static final TypeInformation<CurrentBalanceRow> CURRENT_BALANCE_ROW = Types.POJO(CurrentBalanceRow.class);
    public static final TypeInformation<ChainTotalsRow> CHAIN_TOTALS_ROW = Types.POJO(ChainTotalsRow.class);
    public static final TypeInformation<TokenTotalsRow> TOKEN_TOTALS_ROW = Types.POJO(TokenTotalsRow.class);
    public static final TypeInformation<NftOwnerRow> NFT_OWNER_ROW = Types.POJO(NftOwnerRow.class);
    public static final TypeInformation<DeadLetter> DEAD_LETTER = Types.POJO(DeadLetter.class);

    private BalanceTypes() {}
}
