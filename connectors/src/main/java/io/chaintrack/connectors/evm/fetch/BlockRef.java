package io.chaintrack.connectors.evm.fetch;

/** A block's place in the chain: number, hash and parent hash (lowercase hex). */
public record BlockRef(long number, String hash, String parentHash) {}
