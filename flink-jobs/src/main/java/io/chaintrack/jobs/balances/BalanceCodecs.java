package io.chaintrack.jobs.balances;

import io.chaintrack.core.model.BalanceKey;
import io.chaintrack.core.model.TokenStandards;
import io.chaintrack.connectors.flink.Codec;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Compact binary forms of the balance job's hot types (keyed-state keys, timers, window accumulators, shuffled
 * deltas): a lowercase 0x address is 20 raw bytes and each value goes out in one write, because full heap
 * snapshots serialize every key and timer at every checkpoint. Any other text round-trips unchanged.
 */
public final class BalanceCodecs {
    private static final byte TEXT = 0;
    private static final byte ADDRESS = 1;
    private static final byte NATIVE = 2;
    private static final byte STANDARD = 3;
    private static final String NATIVE_TOKEN = "native";
    /** Token standards by their stored code: the index in the append-only {@link TokenStandards#NAMES}. */
    private static final java.util.List<String> STANDARDS = TokenStandards.NAMES;

    private BalanceCodecs() {}

    /** (chain, token, token id, address). */
    public static final class AccountCodec implements Codec<BalanceKey> {
        private static final long serialVersionUID = 1L;

        @Override
        public void write(BalanceKey a, DataOutputView out) throws IOException {
            Buffer b = new Buffer();
            b.putLong(a.chainId());
            b.putText(a.token());
            b.putBigInteger(a.tokenId());
            b.putText(a.address());
            b.writeTo(out);
        }

        @Override
        public BalanceKey read(DataInputView in) throws IOException {
            long chainId = in.readLong();
            String token = readText(in);
            BigInteger tokenId = readBigInteger(in);
            return new BalanceKey(chainId, token, tokenId, readText(in));
        }
    }

    /** One side of a transfer for one account. */
    public static final class DeltaCodec implements Codec<BalanceDelta> {
        private static final long serialVersionUID = 1L;
        private final AccountCodec account = new AccountCodec();

        @Override
        public void write(BalanceDelta d, DataOutputView out) throws IOException {
            account.write(d.account(), out);
            Buffer b = new Buffer();
            b.putText(d.standard());
            b.putLong(d.blockNumber());
            b.putLong(d.blockTimeMs());
            b.putByte((d.applied() ? 1 : 0) | (d.incoming() ? 2 : 0));
            b.putBigInteger(d.amount());
            b.writeTo(out);
        }

        @Override
        public BalanceDelta read(DataInputView in) throws IOException {
            BalanceKey a = account.read(in);
            String standard = readText(in);
            long number = in.readLong();
            long timeMs = in.readLong();
            int flags = in.readByte();
            return new BalanceDelta(a, standard, number, timeMs, (flags & 1) != 0, (flags & 2) != 0, readBigInteger(in));
        }
    }

    /** Activity of one account in one window. */
    public static final class AccumulatorCodec implements Codec<WindowAccumulator> {
        private static final long serialVersionUID = 1L;

        @Override
        public void write(WindowAccumulator w, DataOutputView out) throws IOException {
            Buffer b = new Buffer();
            b.putBigInteger(w.delta());
            b.putLong(w.transfersIn());
            b.putLong(w.transfersOut());
            b.putBigInteger(w.volumeIn());
            b.putBigInteger(w.volumeOut());
            b.putByte(w.emitted() ? 1 : 0);
            b.writeTo(out);
        }

        @Override
        public WindowAccumulator read(DataInputView in) throws IOException {
            BigInteger delta = readBigInteger(in);
            long in1 = in.readLong();
            long out1 = in.readLong();
            BigInteger volumeIn = readBigInteger(in);
            BigInteger volumeOut = readBigInteger(in);
            return new WindowAccumulator(delta, in1, out1, volumeIn, volumeOut, in.readByte() != 0);
        }
    }

    static String readText(DataInputView in) throws IOException {
        byte tag = in.readByte();
        switch (tag) {
            case ADDRESS -> {
                byte[] raw = new byte[20];
                in.readFully(raw);
                char[] c = new char[42];
                c[0] = '0';
                c[1] = 'x';
                for (int i = 0; i < 20; i++) {
                    c[2 + 2 * i] = HEX[(raw[i] >> 4) & 0xf];
                    c[3 + 2 * i] = HEX[raw[i] & 0xf];
                }
                return new String(c);
            }
            case NATIVE -> {
                return NATIVE_TOKEN;
            }
            case STANDARD -> {
                int code = in.readUnsignedByte();
                if (code >= STANDARDS.size()) {
                    throw new IOException("unknown token standard code " + code + " in balance state");
                }
                return STANDARDS.get(code);
            }
            case TEXT -> {
                byte[] utf8 = new byte[in.readInt()];
                in.readFully(utf8);
                return new String(utf8, StandardCharsets.UTF_8);
            }
            default -> throw new IOException("unknown text tag " + tag + " in balance state");
        }
    }

    /** Two's complement, length-prefixed; zero is a single 0 byte. */
    static BigInteger readBigInteger(DataInputView in) throws IOException {
        int len = in.readUnsignedByte();
        if (len == 0) {
            return BigInteger.ZERO;
        }
        if (len == 255) {
            len = in.readInt();
        }
        byte[] b = new byte[len];
        in.readFully(b);
        return new BigInteger(b);
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return -1;
    }

    /** Bytes of one value, written to the view in one call. */
    private static final class Buffer {
        private byte[] bytes = new byte[96];
        private int n;

        private void ensure(int more) {
            if (n + more > bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, n + more));
            }
        }

        void putByte(int v) {
            ensure(1);
            bytes[n++] = (byte) v;
        }

        void putInt(int v) {
            ensure(4);
            for (int s = 24; s >= 0; s -= 8) {
                bytes[n++] = (byte) (v >>> s);
            }
        }

        void putLong(long v) {
            ensure(8);
            for (int s = 56; s >= 0; s -= 8) {
                bytes[n++] = (byte) (v >>> s);
            }
        }

        void putBigInteger(BigInteger v) {
            if (v.signum() == 0) {
                putByte(0);
                return;
            }
            byte[] b = v.toByteArray();
            if (b.length < 255) {
                putByte(b.length);
            } else {
                putByte(255);
                putInt(b.length);
            }
            ensure(b.length);
            System.arraycopy(b, 0, bytes, n, b.length);
            n += b.length;
        }

        void putText(String s) {
            if (NATIVE_TOKEN.equals(s)) {
                putByte(NATIVE);
                return;
            }
            if (s.length() == 42 && s.charAt(0) == '0' && s.charAt(1) == 'x') {
                ensure(21);
                int start = n;
                bytes[n++] = ADDRESS;
                boolean ok = true;
                for (int i = 0; i < 20 && ok; i++) {
                    int hi = hexValue(s.charAt(2 + 2 * i));
                    int lo = hexValue(s.charAt(3 + 2 * i));
                    ok = hi >= 0 && lo >= 0;
                    bytes[n++] = (byte) ((hi << 4) | lo);
                }
                if (ok) {
                    return;
                }
                n = start; // not lowercase hex: kept as text
            }
            if (s.length() <= 32) {
                int code = STANDARDS.indexOf(s);
                if (code >= 0) {
                    putByte(STANDARD);
                    putByte(code);
                    return;
                }
            }
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            putByte(TEXT);
            putInt(utf8.length);
            ensure(utf8.length);
            System.arraycopy(utf8, 0, bytes, n, utf8.length);
            n += utf8.length;
        }

        void writeTo(DataOutputView out) throws IOException {
            out.write(bytes, 0, n);
        }
    }
}
