package io.chaintrack.connectors.evm.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.BatchResponse;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;

/**
 * Drives the test node with web3j: contracts deployed and called from Hardhat's unlocked dev accounts through
 * eth_sendTransaction, blocks mined on demand, snapshots for reorgs, and balance reads at any block.
 */
public final class HardhatChain implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final BigInteger GAS = BigInteger.valueOf(500_000);

    private final HttpService service;
    private final Web3j web3j;

    public HardhatChain(String url) {
        this.service = new HttpService(url);
        this.web3j = Web3j.build(service);
    }

    public Web3j web3j() {
        return web3j;
    }

    /** JSON-RPC answer carrying any JSON value. */
    public static final class AnyResponse extends Response<Object> {}

    public Object raw(String method, Object... params) throws IOException {
        AnyResponse r = new Request<>(method, List.of(params), service, AnyResponse.class).send();
        if (r.hasError()) {
            throw new IOException(method + " failed: " + r.getError().getMessage());
        }
        return r.getResult();
    }

    public List<String> accounts() throws IOException {
        return web3j.ethAccounts().send().getAccounts().stream().map(String::toLowerCase).toList();
    }

    public void automine(boolean on) throws IOException {
        raw("evm_setAutomine", on);
    }

    public void mine() throws IOException {
        raw("evm_mine");
    }

    public void mineEmpty(int blocks) throws IOException {
        raw("hardhat_mine", "0x" + Integer.toHexString(blocks));
    }

    public String snapshot() throws IOException {
        return (String) raw("evm_snapshot");
    }

    public void revert(String snapshotId) throws IOException {
        Object ok = raw("evm_revert", snapshotId);
        if (!Boolean.TRUE.equals(ok)) {
            throw new IOException("evm_revert " + snapshotId + " refused");
        }
    }

    public long blockNumber() throws IOException {
        return web3j.ethBlockNumber().send().getBlockNumber().longValueExact();
    }

    public EthBlock.Block block(long number) throws IOException {
        return web3j.ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.valueOf(number)), false).send().getBlock();
    }

    /** eth_sendTransaction from an unlocked dev account; returns the transaction hash. */
    public String send(String from, String to, BigInteger value, String data) throws IOException {
        Transaction tx = new Transaction(from, null, null, GAS, to, value, data);
        EthSendTransaction r = web3j.ethSendTransaction(tx).send();
        if (r.hasError()) {
            throw new IOException("eth_sendTransaction failed: " + r.getError().getMessage());
        }
        return r.getTransactionHash();
    }

    public TransactionReceipt receipt(String txHash) throws IOException {
        return web3j.ethGetTransactionReceipt(txHash).send().getTransactionReceipt()
                .orElseThrow(() -> new IOException("no receipt for " + txHash));
    }

    /** Deploys compiled/{name}.json (solc-js output) with automine on; returns the contract address. */
    public String deploy(String artifact, String from) throws IOException {
        return deploy(JSON.readTree(HardhatNode.fixtureDir().resolve("compiled/" + artifact + ".json").toFile()), from, "");
    }

    /**
     * Deploys an artifact, solc-js ({@code bytecode}) or an npm package's build ({@code evm.bytecode.object}), with
     * ABI-encoded constructor arguments appended; returns the contract address.
     */
    public String deploy(JsonNode artifact, String from, String constructorArgs) throws IOException {
        String bytecode = artifact.has("evm") ? artifact.get("evm").get("bytecode").get("object").asText() : artifact.get("bytecode").asText();
        if (!bytecode.startsWith("0x")) {
            bytecode = "0x" + bytecode;
        }
        Transaction tx = Transaction.createContractTransaction(from, null, null, BigInteger.valueOf(6_000_000),
                BigInteger.ZERO, bytecode + constructorArgs);
        EthSendTransaction r = web3j.ethSendTransaction(tx).send();
        if (r.hasError()) {
            throw new IOException("deploy failed: " + r.getError().getMessage());
        }
        return receipt(r.getTransactionHash()).getContractAddress().toLowerCase();
    }

    /** The raw return data of an eth_call at a block; a revert or empty answer is an IOException. */
    public byte[] ethCall(String to, String data, long block) throws IOException {
        var r = web3j.ethCall(Transaction.createEthCallTransaction(null, to, data),
                DefaultBlockParameter.valueOf(BigInteger.valueOf(block))).send();
        if (r.hasError() || r.getValue() == null || r.getValue().length() < 3) {
            throw new IOException("eth_call " + data.substring(0, 10) + " on " + to + " at " + block + " failed: "
                    + (r.hasError() ? r.getError().getMessage() : r.getValue()));
        }
        return org.web3j.utils.Numeric.hexStringToByteArray(r.getValue());
    }

    /** The address in an ABI word (its last 20 bytes), lowercase 0x-hex. */
    public static String address(byte[] word) {
        return "0x" + org.web3j.utils.Numeric.toHexStringNoPrefix(java.util.Arrays.copyOfRange(word, 12, 32));
    }

    // ---------------------------------------------------------------- ABI

    public static String call(String name, Type<?>... args) {
        return FunctionEncoder.encode(new Function(name, List.of(args), List.of()));
    }

    public static Address addr(String a) {
        return new Address(a);
    }

    public static Uint256 u(BigInteger v) {
        return new Uint256(v);
    }

    public static Uint256 u(long v) {
        return new Uint256(BigInteger.valueOf(v));
    }

    public static DynamicArray<Uint256> us(List<BigInteger> vs) {
        List<Uint256> list = new ArrayList<>();
        for (BigInteger v : vs) {
            list.add(new Uint256(v));
        }
        return new DynamicArray<>(Uint256.class, list);
    }

    public static DynamicBytes noBytes() {
        return new DynamicBytes(new byte[0]);
    }

    // ---------------------------------------------------------------- reads

    /** One read at one block: eth_call of {@code data} on {@code to}, or eth_getBalance when data is null. */
    public record Read(String to, String data, long block) {}

    /** Answers in order; a reverted eth_call answers null. Sent as JSON-RPC batches of 200. */
    public List<BigInteger> readAll(List<Read> reads) throws IOException {
        List<BigInteger> out = new ArrayList<>(reads.size());
        for (int i = 0; i < reads.size(); i += 200) {
            var batch = web3j.newBatch();
            List<Read> part = reads.subList(i, Math.min(reads.size(), i + 200));
            for (Read r : part) {
                DefaultBlockParameter at = DefaultBlockParameter.valueOf(BigInteger.valueOf(r.block()));
                if (r.data() == null) {
                    batch.add(web3j.ethGetBalance(r.to(), at));
                } else {
                    batch.add(web3j.ethCall(Transaction.createEthCallTransaction(null, r.to(), r.data()), at));
                }
            }
            BatchResponse resp = batch.send();
            for (Response<?> res : resp.getResponses()) {
                if (res.hasError()) {
                    out.add(null);
                } else if (res instanceof org.web3j.protocol.core.methods.response.EthGetBalance b) {
                    out.add(b.getBalance());
                } else {
                    String hex = ((org.web3j.protocol.core.methods.response.EthCall) res).getValue();
                    out.add(hex == null || hex.length() <= 2 ? null : new BigInteger(hex.substring(2), 16));
                }
            }
        }
        return out;
    }

    public static DefaultBlockParameter latest() {
        return DefaultBlockParameterName.LATEST;
    }

    @Override
    public void close() {
        web3j.shutdown();
    }
}
