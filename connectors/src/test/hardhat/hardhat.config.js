// Config of the local chain the EVM tests start with `hardhat node`. Contracts are compiled by compile.js
// (solc-js, offline) into compiled/; Hardhat's own compile paths point into target/ so the node never
// tries to download a compiler or touch committed files.
module.exports = {
  solidity: "0.8.30",
  paths: {
    sources: "../../../target/hardhat/no-sources",
    cache: "../../../target/hardhat/cache",
    artifacts: "../../../target/hardhat/artifacts",
  },
  networks: {
    hardhat: {
      chainId: 31337,
      hardfork: "cancun",
      accounts: { count: 20 },
      loggingEnabled: false,
    },
  },
};
