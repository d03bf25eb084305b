package io.chaintrack.connectors.evm.rpc;

import io.chaintrack.connectors.evm.RateLimit;
import io.chaintrack.connectors.evm.RpcCredential;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The JVM-wide call budget of each credential: one resilience4j RateLimiter per credential id, shared by every
 * reader and endpoint using that key, plus the "not before" instant a provider's Retry-After set.
 *
 * <p>Spacing rule: the limiter refreshes one permit every half spacing and a call takes two permits, so a call
 * always starts at a cycle boundary and two calls start at least one full spacing apart. A plain
 * "N per period" limiter would let N calls at the end of one period and N at the start of the next land inside
 * one period; this layout cannot.
 */
public final class CallBudgets {
    static final int PERMITS_PER_CALL = 2;

    private static final Map<String, Budget> BUDGETS = new ConcurrentHashMap<>();

    private CallBudgets() {}

    /** The budget of {@code credential}; unlimited when it has no rate limit. */
    public static Budget of(RpcCredential credential) {
        Budget budget = BUDGETS.computeIfAbsent(credential.id(), id -> new Budget(id, credential.rateLimit()));
        if (!java.util.Objects.equals(budget.limit, credential.rateLimit())) {
            throw new IllegalArgumentException("credential " + credential.id() + " is configured with two rate limits ("
                    + budget.limit + " and " + credential.rateLimit() + "): one key has one budget");
        }
        return budget;
    }

    /** The call budget of one credential. */
    public static final class Budget {
        private final String credentialId;
        private final RateLimit limit;
        private final RateLimiter limiter;
        private final AtomicLong notBeforeMillis = new AtomicLong();

        private Budget(String credentialId, RateLimit limit) {
            this.credentialId = credentialId;
            this.limit = limit;
            if (limit == null) {
                this.limiter = null;
            } else {
                Duration cycle = limit.spacing().dividedBy(PERMITS_PER_CALL);
                if (cycle.isZero()) {
                    throw new IllegalArgumentException("credential " + credentialId + ": rate limit " + limit
                            + " is too fine to enforce");
                }
                this.limiter = RateLimiter.of("rpc-" + credentialId, RateLimiterConfig.custom()
                        .limitForPeriod(1)
                        .limitRefreshPeriod(cycle)
                        // a caller may queue behind many others; it waits rather than fails
                        .timeoutDuration(Duration.ofHours(1))
                        .build());
            }
        }

        public RateLimit limit() {
            return limit;
        }

        /**
         * Blocks until this credential may start one more call: after any Retry-After the provider set and, when
         * limited, at the caller's turn in the spacing.
         */
        public void acquire() throws InterruptedException {
            while (true) {
                long wait = notBeforeMillis.get() - System.currentTimeMillis();
                if (wait > 0) {
                    Thread.sleep(wait);
                }
                if (limiter != null && !limiter.acquirePermission(PERMITS_PER_CALL)) {
                    if (Thread.currentThread().isInterrupted()) {
                        throw new InterruptedException("interrupted waiting for the call budget of " + credentialId);
                    }
                    throw new IllegalStateException("call budget of " + credentialId + " refused a permit");
                }
                // a Retry-After may have arrived while this caller waited for its turn
                if (System.currentTimeMillis() >= notBeforeMillis.get()) {
                    return;
                }
            }
        }

        /** No call with this credential starts before {@code millis} from now. */
        public void pauseFor(long millis) {
            long until = System.currentTimeMillis() + millis;
            notBeforeMillis.accumulateAndGet(until, Math::max);
        }
    }
}
