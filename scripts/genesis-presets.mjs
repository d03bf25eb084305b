// Writes the genesis allocations shipped with chaintrack's chain presets from the npm package
// @ethereumjs/genesis (10.1.3 when written; its genesisStates/{mainnet,sepolia}.js are address -> hex wei maps):
//   connectors/src/main/resources/presets/mainnet-genesis.txt.gz   (8,893 accounts)
//   connectors/src/main/resources/presets/sepolia-genesis.txt
// One "<40 hex address> <hex wei>" line per account, lowercase, sorted by address, so the file diffs cleanly and
// the Java loader needs no JSON. Usage (repository root): node scripts/genesis-presets.mjs [node_modules dir]
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const modules = path.resolve(process.argv[2] ?? 'node_modules');
const pkgDir = path.join(modules, '@ethereumjs/genesis');
const version = createRequire(import.meta.url)(path.join(pkgDir, 'package.json')).version;
const { getGenesis } = await import(pathToFileURL(path.join(pkgDir, 'dist/esm/index.js')).href);

function lines(chainId) {
  const alloc = getGenesis(chainId);
  const out = Object.entries(alloc).map(([a, v]) => {
    const wei = BigInt(Array.isArray(v) ? v[0] : v);
    return `${a.toLowerCase().replace(/^0x/, '')} ${wei.toString(16)}`;
  });
  out.sort();
  return `# @ethereumjs/genesis ${version} getGenesis(${chainId}): address wei (hex)\n` + out.join('\n') + '\n';
}

const dir = 'connectors/src/main/resources/presets';
const mainnet = lines(1);
writeFileSync(path.join(dir, 'mainnet-genesis.txt.gz'), gzipSync(Buffer.from(mainnet), { level: 9 }));
writeFileSync(path.join(dir, 'sepolia-genesis.txt'), lines(11155111));
console.log(`mainnet ${mainnet.split('\n').length - 2} accounts, sepolia written (from ${pkgDir} ${version})`);
