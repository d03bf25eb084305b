package io.chaintrack.jobs.ingest;

import java.util.List;

/**
 * The chain preset names chaintrack.ingest.chain accepts. The presets' contents (chain id, finality,
 * trace support) belong to the EVM connector; until it offers them, the name is checked here so a typo
 * fails at start-up instead of silently following a chain under a wrong label.
 */
final class ChainPresetNames {
    static final String LIST = "mainnet, sepolia, hardhat, anvil";
    private static final List<String> NAMES = List.of(LIST.split(", "));

    private ChainPresetNames() {}

    static void check(String name) {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("--chain must be one of " + LIST + ", was '" + name + "'");
        }
    }
}
