package io.chaintrack.jobs.balances;

import static io.chaintrack.jobs.balances.TestEvents.ERC20;
import static io.chaintrack.jobs.balances.TestEvents.T0_MS;
import static io.chaintrack.jobs.balances.TestEvents.address;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.chaintrack.connectors.kafka.ChainEventDecoder;
import io.chaintrack.proto.v1.ChainEvent;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

/** The rules at the job's edge: which events are admitted, and how block time becomes event time. */
class EdgeRulesTest {
    private static final TestEvents.Block B1 = TestEvents.block(1, 1, "b1", TestEvents.hash("b0"), T0_MS)
            .erc20(ERC20, address(1), address(2), 5);
    private static final TestEvents.Block B2 = TestEvents.block(1, 2, "b2", B1.hash, T0_MS + 12_000)
            .erc20(ERC20, address(2), address(1), 1);

    @Test
    void validatorAdmitsWellFormedEventsAndNamesWhatIsWrongOtherwise() {
        ChainEvent good = B1.applied();
        assertThat(ChainEventDecoder.validate(good)).isNull();
        assertThat(ChainEventDecoder.validate(good.toBuilder()
                .setTransfers(0, good.getTransfers(0).toBuilder().setChainId(5)).build()))
                .contains("transfer #0").contains("chain id 5").contains("chain 1");
        assertThat(ChainEventDecoder.validate(good.toBuilder()
                .setTransfers(0, good.getTransfers(0).toBuilder().setBlockHash(B2.hash)).build()))
                .contains("names block hash " + B2.hash);
        assertThat(ChainEventDecoder.validate(good.toBuilder()
                .setTransfers(0, good.getTransfers(0).toBuilder().setAmount(ByteString.copyFrom(new byte[33]))).build()))
                .contains("longer than 32 bytes");
        assertThat(ChainEventDecoder.validate(good.toBuilder()
                .setTransfers(0, good.getTransfers(0).toBuilder().setToAddress("")).build()))
                .contains("missing its token, from or to address");
    }

    @Test
    void onlyAppliedBlocksMoveTheWatermarkAndItNeverGoesBack() {
        var generator = new BlockTimeWatermarks.AppliedBlockTimeGenerator();
        List<Long> emitted = new ArrayList<>();
        WatermarkOutput output = new WatermarkOutput() {
            @Override
            public void emitWatermark(Watermark watermark) {
                emitted.add(watermark.getTimestamp());
            }

            @Override
            public void markIdle() {}

            @Override
            public void markActive() {}
        };
        generator.onEvent(B1.applied(), T0_MS, output);
        generator.onEvent(B2.applied(), T0_MS + 12_000, output);
        generator.onEvent(B2.reverted(), T0_MS + 12_000, output);
        generator.onEvent(B1.reverted(), T0_MS, output);
        ChainEvent replacement = TestEvents.block(1, 1, "b1'", TestEvents.hash("b0"), T0_MS + 3_000).applied();
        generator.onEvent(replacement, T0_MS + 3_000, output);
        assertThat(emitted).containsExactly(T0_MS - 1, T0_MS + 12_000 - 1);
        assertThat(BlockTimeWatermarks.blockTimeMs(B2.reverted())).isEqualTo(T0_MS + 12_000);
    }
}
