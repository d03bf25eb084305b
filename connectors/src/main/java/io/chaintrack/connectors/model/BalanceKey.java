package io.chaintrack.connectors.model;

import java.math.BigInteger;

/**
 * What a balance is kept per, within one chain: (token, token id, address). The token id is the
 * ERC-1155 id and ZERO for every other standard (an ERC-721 balance is a count, as balanceOf gives it).
 */
public record BalanceKey(String token, BigInteger tokenId, String address) {}
