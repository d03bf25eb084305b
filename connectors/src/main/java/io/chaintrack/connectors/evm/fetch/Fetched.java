package io.chaintrack.connectors.evm.fetch;

import io.chaintrack.proto.v1.ChainEvent;
import java.util.List;

/**
 * APPLIED events of consecutive blocks starting at the requested block (possibly fewer than asked, or none,
 * when the node does not have them yet), and the node's latest block number at that moment.
 */
public record Fetched(List<ChainEvent> events, long head) {}
