package io.chaintrack.jobs.analytics;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/** Operator test harness helpers. */
public final class Harnesses {
    private Harnesses() {}

    public static <K, I, O> KeyedOneInputStreamOperatorTestHarness<K, I, O> open(
            KeyedProcessFunction<K, I, O> f, KeySelector<I, K> key, TypeInformation<K> keyType) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(f), key, keyType);
        h.open();
        return h;
    }

    @SuppressWarnings("unchecked")
    public static <O> List<O> drain(KeyedOneInputStreamOperatorTestHarness<?, ?, O> h) {
        List<O> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r) {
                out.add((O) r.getValue());
            }
        }
        h.getOutput().clear();
        return out;
    }
}
