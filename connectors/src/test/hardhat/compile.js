// Recompiles contracts/*.sol offline with solc-js (standard JSON) into compiled/<Name>.json ({abi, bytecode}).
// Run from anywhere: node connectors/src/test/hardhat/compile.js  (needs `npm install` at the repository root).
// `hardhat compile` is not used: it downloads a compiler, and these machines are offline.
"use strict";
const fs = require("fs");
const path = require("path");

const here = __dirname;
function findNodeModules(start) {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "node_modules");
    if (fs.existsSync(path.join(candidate, "solc"))) return candidate;
    if (path.dirname(dir) === dir) throw new Error("node_modules with solc not found above " + start + ": run npm install at the repository root");
  }
}
const nodeModules = findNodeModules(here);
const solc = require(path.join(nodeModules, "solc"));

const contractsDir = path.join(here, "contracts");
const sources = {};
for (const file of fs.readdirSync(contractsDir).filter((f) => f.endsWith(".sol")).sort()) {
  sources["contracts/" + file] = { content: fs.readFileSync(path.join(contractsDir, file), "utf8") };
}
const input = {
  language: "Solidity",
  sources,
  settings: {
    // OpenZeppelin 5 uses mcopy, which needs cancun
    evmVersion: "cancun",
    optimizer: { enabled: true, runs: 200 },
    outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
  },
};
function findImports(importPath) {
  const full = path.join(nodeModules, importPath);
  if (fs.existsSync(full)) return { contents: fs.readFileSync(full, "utf8") };
  return { error: "import not found: " + importPath };
}
const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
const errors = (output.errors || []).filter((e) => e.severity === "error");
for (const e of output.errors || []) console.error(e.formattedMessage);
if (errors.length > 0) process.exit(1);

const outDir = path.join(here, "compiled");
fs.mkdirSync(outDir, { recursive: true });
for (const [source, contracts] of Object.entries(output.contracts)) {
  if (!source.startsWith("contracts/")) continue;
  for (const [name, c] of Object.entries(contracts)) {
    if (!c.evm.bytecode.object) continue; // interfaces declared next to a contract have nothing to deploy
    const artifact = { contractName: name, sourceName: source, compiler: "solc-js " + solc.version(), evmVersion: "cancun", abi: c.abi, bytecode: "0x" + c.evm.bytecode.object };
    fs.writeFileSync(path.join(outDir, name + ".json"), JSON.stringify(artifact, null, 2) + "\n");
    console.log("wrote compiled/" + name + ".json (" + c.evm.bytecode.object.length / 2 + " bytes)");
  }
}
