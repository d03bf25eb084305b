// Config of the local chain the query API's token-metadata test starts with `hardhat node`. Contracts are
// compiled by compile.js (solc-js, offline) into compiled/; Hardhat's own compile paths point into target/
// so the node never tries to download a compiler or touch committed files.
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
      accounts: { count: 10 },
      loggingEnabled: false,
    },
  },
};
