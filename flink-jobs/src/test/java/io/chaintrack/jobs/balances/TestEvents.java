package io.chaintrack.jobs.balances;

import io.chaintrack.core.model.BalanceKey;
import io.chaintrack.core.model.Uint256;
import io.chaintrack.proto.v1.BlockHeader;
import io.chaintrack.proto.v1.ChainEvent;
import io.chaintrack.proto.v1.ChainEventType;
import io.chaintrack.proto.v1.TokenStandard;
import io.chaintrack.proto.v1.Transfer;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Hand-built ChainEvents for tests: blocks with transfers, their reverts, deterministic hashes and addresses. */
final class TestEvents {
    /** 2024-01-01T00:00:00Z, a UTC day boundary. */
    static final long T0_SECONDS = Instant.parse("2024-01-01T00:00:00Z").getEpochSecond();
    static final long T0_MS = T0_SECONDS * 1000L;
    static final long MINUTE_MS = 60_000L;
    static final long HOUR_MS = 3_600_000L;
    static final long DAY_MS = 86_400_000L;

    static final String NATIVE = "native";
    static final String ERC20 = address(0x20);
    static final String ERC721 = address(0x721);
    static final String ERC1155 = address(0x1155);

    private TestEvents() {}

    static String address(long n) {
        return String.format(Locale.ROOT, "0x%040x", n);
    }

    /** A 32-byte hash derived from a label (SHA-256), so distinct labels give distinct hashes. */
    static String hash(String label) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(label.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return String.format(Locale.ROOT, "0x%064x", new BigInteger(1, digest));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A block under construction: transfers are added with its coordinates filled in. */
    static final class Block {
        final long chainId;
        final long number;
        final String hash;
        final String parentHash;
        final long timeSeconds;
        final List<Transfer> transfers = new ArrayList<>();
        private int logIndex;

        Block(long chainId, long number, String hash, String parentHash, long timeSeconds) {
            this.chainId = chainId;
            this.number = number;
            this.hash = hash;
            this.parentHash = parentHash;
            this.timeSeconds = timeSeconds;
        }

        Block erc20(String token, String from, String to, long amount) {
            return add(builder(TokenStandard.TOKEN_STANDARD_ERC20, token, from, to)
                    .setLogIndex(logIndex++).setAmount(Uint256.encode(BigInteger.valueOf(amount))));
        }

        Block erc20(String token, String from, String to, BigInteger amount) {
            return add(builder(TokenStandard.TOKEN_STANDARD_ERC20, token, from, to)
                    .setLogIndex(logIndex++).setAmount(Uint256.encode(amount)));
        }

        Block erc721(String token, String from, String to, long tokenId) {
            // amount left empty on purpose: the balance rule says an ERC-721 transfer moves one token
            return add(builder(TokenStandard.TOKEN_STANDARD_ERC721, token, from, to)
                    .setLogIndex(logIndex++).setTokenId(Uint256.encode(BigInteger.valueOf(tokenId))));
        }

        /** An ERC-1155 TransferBatch: one log, one transfer per (id, amount) pair. */
        Block erc1155Batch(String token, String operator, String from, String to, long[] ids, long[] amounts) {
            int log = logIndex++;
            for (int i = 0; i < ids.length; i++) {
                add(builder(TokenStandard.TOKEN_STANDARD_ERC1155, token, from, to)
                        .setLogIndex(log).setBatchIndex(i).setOperator(operator)
                        .setTokenId(Uint256.encode(BigInteger.valueOf(ids[i])))
                        .setAmount(Uint256.encode(BigInteger.valueOf(amounts[i]))));
            }
            return this;
        }

        Block nativeTransfer(String from, String to, long amount, String traceAddress) {
            return add(builder(TokenStandard.TOKEN_STANDARD_NATIVE, NATIVE, from, to)
                    .setLogIndex(-1).setTraceAddress(traceAddress).setAmount(Uint256.encode(BigInteger.valueOf(amount))));
        }

        private Transfer.Builder builder(TokenStandard standard, String token, String from, String to) {
            int tx = transfers.size();
            return Transfer.newBuilder()
                    .setChainId(chainId).setBlockNumber(number).setBlockHash(hash).setBlockTime(timeSeconds)
                    .setTxHash(TestEvents.hash(hash + "/tx" + tx)).setTxIndex(tx)
                    .setToken(token).setStandard(standard).setFromAddress(from).setToAddress(to);
        }

        private Block add(Transfer.Builder t) {
            transfers.add(t.build());
            return this;
        }

        BlockHeader header() {
            return BlockHeader.newBuilder().setChainId(chainId).setNumber(number).setHash(hash)
                    .setParentHash(parentHash).setTimestamp(timeSeconds).build();
        }

        ChainEvent applied() {
            return event(ChainEventType.CHAIN_EVENT_TYPE_APPLIED);
        }

        ChainEvent reverted() {
            return event(ChainEventType.CHAIN_EVENT_TYPE_REVERTED);
        }

        private ChainEvent event(ChainEventType type) {
            return ChainEvent.newBuilder().setType(type).setBlock(header()).addAllTransfers(transfers)
                    .setHeadNumber(number).build();
        }
    }

    static Block block(long chainId, long number, String label, String parentHash, long timeMs) {
        return new Block(chainId, number, hash(chainId + "/" + label), parentHash, timeMs / 1000L);
    }

    static BalanceKey account(long chainId, String token, long tokenId, String address) {
        return new BalanceKey(chainId, token, BigInteger.valueOf(tokenId), address);
    }

    /** A delta as BalanceDeltas would make it. */
    static BalanceDelta delta(BalanceKey account, long blockNumber, long timeMs, boolean applied, boolean incoming,
                              long amount) {
        return new BalanceDelta(account, "ERC20", blockNumber, timeMs, applied, incoming, BigInteger.valueOf(amount));
    }

    static BigInteger big(long v) {
        return BigInteger.valueOf(v);
    }
}
