package io.chaintrack.connectors.postgres.rows;

import java.math.BigInteger;

/**
 * A row of table nft_owners: who holds ERC-721 token id (chain, token, token id), valid at blockNumber.
 * owner is the zero address after a burn or a reverted mint.
 */
public record NftOwnerRow(long chainId, String token, BigInteger tokenId, String owner, long blockNumber, long blockTimeMs) {}
