package io.chaintrack.connectors.evm.fetch;

/**
 * The node kept answering data that does not belong to the block it claims (logs, receipts or traces of
 * another hash, a lagging node behind a load balancer, a reorg mid-fetch) after every allowed refetch.
 * Nothing of that range was emitted.
 */
public class InconsistentChainDataException extends RuntimeException {
    public InconsistentChainDataException(String message) {
        super(message);
    }
}
