package io.chaintrack.jobs.balances;

import io.chaintrack.core.model.BalanceKey;
import static org.assertj.core.api.Assertions.assertThat;

import io.chaintrack.connectors.flink.Codec;
import io.chaintrack.connectors.flink.CodecSerializer;
import java.math.BigInteger;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** The compact codecs round-trip every value exactly, the compact forms and the text fallbacks alike. */
class BalanceCodecsTest {
    static final String ADDRESS = "0x00000000000000000000000000000000000000ff";
    static final String TOKEN = "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48";

    @Test
    void accountsRoundTripAndAddressesTakeTwentyBytes() throws Exception {
        List<BalanceKey> accounts = List.of(
                new BalanceKey(1, TOKEN, BigInteger.ZERO, ADDRESS),
                new BalanceKey(10, "native", BigInteger.ZERO, ADDRESS),
                new BalanceKey(Long.MAX_VALUE, TOKEN, BigInteger.TWO.pow(256).subtract(BigInteger.ONE), ADDRESS),
                // not lowercase hex, not 42 characters, not ASCII: kept as text
                new BalanceKey(1, "0xA0B86991C6218B36C1D19D4A2E9EB0CE3606EB48", BigInteger.ONE, "0xzz00000000000000000000000000000000000000"),
                new BalanceKey(1, "ERC20", BigInteger.valueOf(7), "addr\u00e9ss"));
        var codec = new BalanceCodecs.AccountCodec();
        for (BalanceKey a : accounts) {
            assertThat(CodecSerializer.roundTrip(codec, a)).isEqualTo(a);
        }
        assertThat(size(codec, accounts.get(0))).isEqualTo(8 + 21 + 1 + 21);
    }

    @Test
    void deltasAndAccumulatorsRoundTrip() {
        BalanceKey a = new BalanceKey(1, TOKEN, BigInteger.ZERO, ADDRESS);
        for (String standard : List.of("NATIVE", "ERC20", "ERC721", "ERC1155", "SOMETHING-NEW")) {
            BalanceDelta d = new BalanceDelta(a, standard, 12, 1_700_000_000_000L, false, true, BigInteger.TEN.pow(30));
            assertThat(CodecSerializer.roundTrip(new BalanceCodecs.DeltaCodec(), d)).isEqualTo(d);
        }
        WindowAccumulator w = new WindowAccumulator(BigInteger.valueOf(-5).multiply(BigInteger.TEN.pow(40)), 3, -1,
                BigInteger.TWO.pow(255), BigInteger.ZERO, true);
        assertThat(CodecSerializer.roundTrip(new BalanceCodecs.AccumulatorCodec(), w)).isEqualTo(w);
        assertThat(CodecSerializer.roundTrip(new BalanceCodecs.AccumulatorCodec(), WindowAccumulator.EMPTY))
                .isEqualTo(WindowAccumulator.EMPTY);
    }

    @Test
    void aSnapshotWrittenUnderThePreMoveClassNameRestoresTheMovedSerializer() throws Exception {
        // what savepoints of builds before the codec family moved to connectors.flink hold for an account key
        DataOutputSerializer out = new DataOutputSerializer(128);
        out.writeUTF("io.chaintrack.jobs.analytics.flink.CodecSerializer$Snapshot");
        out.writeInt(1);
        out.writeUTF(BalanceCodecs.AccountCodec.class.getName());
        TypeSerializerSnapshot<BalanceKey> old = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());

        assertThat(old.restoreSerializer()).isEqualTo(BalanceTypes.ACCOUNT.createSerializer(new SerializerConfigImpl()));
        assertThat(BalanceTypes.ACCOUNT.createSerializer(new SerializerConfigImpl()).snapshotConfiguration()
                .resolveSchemaCompatibility(old).isCompatibleAsIs()).isTrue();
    }

    static <T> int size(Codec<T> codec, T value) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        codec.write(value, out);
        return out.length();
    }
}
