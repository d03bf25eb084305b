package io.chaintrack.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Decoding of eth_call answers for symbol()/name()/decimals(): ABI strings, bytes32, and what must be refused. */
class Erc20MetadataTest {
    static String word(long value) {
        return String.format("%064x", value);
    }

    static String padded(byte[] bytes) {
        String hex = HexFormat.of().formatHex(bytes);
        int words = Math.max(1, (bytes.length + 31) / 32);
        return hex + "0".repeat(words * 64 - hex.length());
    }

    static String abiString(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return "0x" + word(32) + word(bytes.length) + padded(bytes);
    }

    @Test
    void stringsAndBytes32() {
        assertThat(Erc20Metadata.text(abiString("USDC"))).isEqualTo("USDC");
        assertThat(Erc20Metadata.text(abiString("Wrapped Ether"))).isEqualTo("Wrapped Ether");
        assertThat(Erc20Metadata.text(abiString("日本円トークン"))).isEqualTo("日本円トークン");
        assertThat(Erc20Metadata.text("0x" + padded("MKR".getBytes(StandardCharsets.UTF_8)))).isEqualTo("MKR");
        assertThat(Erc20Metadata.text("0x" + padded("Maker".getBytes(StandardCharsets.UTF_8)))).isEqualTo("Maker");
        // control characters and padding are removed, long names cut at 128 code points
        assertThat(Erc20Metadata.text(abiString("A\u0000B\nC "))).isEqualTo("ABC");
        assertThat(Erc20Metadata.text(abiString("x".repeat(500)))).hasSize(128);
    }

    @Test
    void unreadableAnswersAreUnknown() {
        assertThat(Erc20Metadata.text(null)).isNull();
        assertThat(Erc20Metadata.text("0x")).isNull(); // no code at the address
        assertThat(Erc20Metadata.text("0x1234")).isNull();
        assertThat(Erc20Metadata.text("0xzz" + "0".repeat(62))).isNull();
        assertThat(Erc20Metadata.text("0x" + "0".repeat(64))).isNull(); // empty bytes32
        assertThat(Erc20Metadata.text("0x" + padded(new byte[] {(byte) 0xff, (byte) 0xfe}))).isNull(); // not UTF-8
        assertThat(Erc20Metadata.text("0x" + word(32) + word(1000) + padded("abc".getBytes(StandardCharsets.UTF_8)))).isNull(); // length beyond data
        assertThat(Erc20Metadata.text("0x" + word(4096) + word(3) + padded("abc".getBytes(StandardCharsets.UTF_8)))).isNull(); // offset beyond data
        assertThat(Erc20Metadata.text("0x" + "f".repeat(64) + word(3) + padded("abc".getBytes(StandardCharsets.UTF_8)))).isNull(); // offset 2^256-1
        assertThat(Erc20Metadata.text(abiString(""))).isNull();
    }

    @Test
    void decimals() {
        assertThat(Erc20Metadata.decimals("0x" + word(18))).isEqualTo(18);
        assertThat(Erc20Metadata.decimals("0x" + word(0))).isZero();
        assertThat(Erc20Metadata.decimals("0x" + word(255))).isEqualTo(255);
        assertThat(Erc20Metadata.decimals("0x" + word(256))).isNull();
        assertThat(Erc20Metadata.decimals("0x" + "f".repeat(64))).isNull();
        assertThat(Erc20Metadata.decimals("0x12")).isNull();
        assertThat(Erc20Metadata.decimals("0x")).isNull();
        assertThat(Erc20Metadata.decimals(null)).isNull();
    }
}
