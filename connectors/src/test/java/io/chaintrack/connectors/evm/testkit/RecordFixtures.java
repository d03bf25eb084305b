package io.chaintrack.connectors.evm.testkit;

import static io.chaintrack.connectors.evm.testkit.HardhatChain.addr;
import static io.chaintrack.connectors.evm.testkit.HardhatChain.call;
import static io.chaintrack.connectors.evm.testkit.HardhatChain.noBytes;
import static io.chaintrack.connectors.evm.testkit.HardhatChain.u;
import static io.chaintrack.connectors.evm.testkit.HardhatChain.us;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.EvmMetrics;
import io.chaintrack.connectors.evm.fetch.RpcChainReader;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Re-records src/test/resources/evm/recorded/basic from a fresh Hardhat node: a fixed scenario (see
 * {@link #SCENARIO}) is played, then the follower's own requests and the balance reads the replay test makes
 * are sent through a recording proxy, one file per request named by {@link FixtureNames}.
 *
 * <p>Run: {@code mvn -q -pl connectors -am test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.chaintrack.connectors.evm.testkit.RecordFixtures}
 */
public final class RecordFixtures {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    static final String SCENARIO = """
            blocks 1-4: deploy TestToken20, TestNft721, TestMulti1155, OddEmitter from a0 (automine)
            block 5: erc20.mint(a1, 1000); erc721.mint(a2, 7); erc1155.mint(a3, 1, 50); a0 sends 1 ETH to a4
            block 6: a1 erc20.transfer(a2, 250); a2 erc721.transferFrom(a2, a3, 7);
                     a3 erc1155.safeTransferFrom(a3, a4, 1, 20); erc1155.mintBatch(a1, [2, 3], [5, 6])
            block 7: a2 erc20.burn(100); a3 erc721.burn(7); a1 erc1155.safeBatchTransferFrom(a1, a0, [2, 3], [1, 2]);
                     odd.emitOdd(a1, 5) (non-standard Transfer, 2 topics); a4 erc20.transfer(a0, 10^9) fails (status 0)
            block 8: empty
            """;

    /** The reader configuration the replay test must use (request ranges are part of the file names). */
    public static EvmChainConfig config(String url) {
        return EvmChainConfig.builder(31337, "recorded").endpoint(url).blocksPerFetch(4).maxLogRange(1000).build();
    }

    public static void main(String[] args) throws Exception {
        Path out = args.length > 0 ? Path.of(args[0])
                : HardhatNode.moduleDir().resolve("src/test/resources/evm/recorded/basic");
        if (Files.exists(out)) {
            try (Stream<Path> walk = Files.walk(out)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(out);
        try (HardhatNode node = HardhatNode.start(); HardhatChain chain = new HardhatChain(node.url())) {
            List<String> a = chain.accounts();
            chain.automine(true);
            String erc20 = chain.deploy("TestToken20", a.get(0));
            String erc721 = chain.deploy("TestNft721", a.get(0));
            String erc1155 = chain.deploy("TestMulti1155", a.get(0));
            String odd = chain.deploy("OddEmitter", a.get(0));
            chain.automine(false);
            chain.send(a.get(0), erc20, BigInteger.ZERO, call("mint", addr(a.get(1)), u(1000)));
            chain.send(a.get(0), erc721, BigInteger.ZERO, call("mint", addr(a.get(2)), u(7)));
            chain.send(a.get(0), erc1155, BigInteger.ZERO, call("mint", addr(a.get(3)), u(1), u(50)));
            chain.send(a.get(0), a.get(4), BigInteger.TEN.pow(18), null);
            chain.mine();
            chain.send(a.get(1), erc20, BigInteger.ZERO, call("transfer", addr(a.get(2)), u(250)));
            chain.send(a.get(2), erc721, BigInteger.ZERO, call("transferFrom", addr(a.get(2)), addr(a.get(3)), u(7)));
            chain.send(a.get(3), erc1155, BigInteger.ZERO,
                    call("safeTransferFrom", addr(a.get(3)), addr(a.get(4)), u(1), u(20), noBytes()));
            chain.send(a.get(0), erc1155, BigInteger.ZERO, call("mintBatch", addr(a.get(1)),
                    us(List.of(BigInteger.TWO, BigInteger.valueOf(3))), us(List.of(BigInteger.valueOf(5), BigInteger.valueOf(6)))));
            chain.mine();
            chain.send(a.get(2), erc20, BigInteger.ZERO, call("burn", u(100)));
            chain.send(a.get(3), erc721, BigInteger.ZERO, call("burn", u(7)));
            chain.send(a.get(1), erc1155, BigInteger.ZERO, call("safeBatchTransferFrom", addr(a.get(1)), addr(a.get(0)),
                    us(List.of(BigInteger.TWO, BigInteger.valueOf(3))), us(List.of(BigInteger.ONE, BigInteger.TWO)), noBytes()));
            chain.send(a.get(1), odd, BigInteger.ZERO, call("emitOdd", addr(a.get(1)), u(5)));
            chain.send(a.get(4), erc20, BigInteger.ZERO, call("transfer", addr(a.get(0)), u(1_000_000_000)));
            chain.mine();
            chain.mineEmpty(1);
            long head = chain.blockNumber();

            try (FaultProxy proxy = new FaultProxy(node.url()).record((req, resp) -> write(out, req, resp));
                 HardhatChain viaProxy = new HardhatChain(proxy.url());
                 RpcChainReader reader = new RpcChainReader(config(proxy.url()), EvmMetrics.on(new PrometheusRegistry()))) {
                reader.poll(-1);
                reader.fetch(1, 4);
                reader.fetch(5, 8);
                viaProxy.readAll(balanceReads(a, erc20, erc721, erc1155, head));
            }
            ObjectNode manifest = JSON.createObjectNode();
            manifest.put("scenario", SCENARIO);
            manifest.put("head", head);
            manifest.put("coinbase", "0xc014ba5ec014ba5ec014ba5ec014ba5ec014ba5e");
            manifest.putPOJO("accounts", a.subList(0, 5));
            manifest.put("erc20", erc20).put("erc721", erc721).put("erc1155", erc1155).put("odd", odd);
            JSON.writeValue(out.resolve("scenario.json").toFile(), manifest);
            System.out.println("recorded " + head + " blocks into " + out);
        }
    }

    /** eth_getBalance of a0..a4 and the coinbase at every block, token balances at the head. */
    public static List<HardhatChain.Read> balanceReads(List<String> a, String erc20, String erc721, String erc1155,
                                                       long head) {
        List<HardhatChain.Read> reads = new ArrayList<>();
        List<String> eth = new ArrayList<>(a.subList(0, 5));
        eth.add("0xc014ba5ec014ba5ec014ba5ec014ba5ec014ba5e");
        for (long b = 0; b <= head; b++) {
            for (String h : eth) {
                reads.add(new HardhatChain.Read(h, null, b));
            }
        }
        for (String h : a.subList(0, 5)) {
            reads.add(new HardhatChain.Read(erc20, call("balanceOf", addr(h)), head));
            reads.add(new HardhatChain.Read(erc721, call("balanceOf", addr(h)), head));
            for (long id = 1; id <= 3; id++) {
                reads.add(new HardhatChain.Read(erc1155, call("balanceOf", addr(h), u(id)), head));
            }
        }
        reads.add(new HardhatChain.Read(erc20, call("totalSupply"), head));
        return reads;
    }

    private static synchronized void write(Path out, JsonNode req, JsonNode resp) {
        try {
            Path f = out.resolve(FixtureNames.relativePath(req.path("method").asText(), req.get("params")));
            Files.createDirectories(f.getParent());
            ObjectNode rec = JSON.createObjectNode();
            rec.put("method", req.path("method").asText());
            rec.set("params", req.get("params"));
            if (resp.has("error")) {
                rec.set("error", resp.get("error"));
            } else {
                rec.set("result", resp.get("result"));
            }
            JSON.writeValue(f.toFile(), rec);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
