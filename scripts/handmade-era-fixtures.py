#!/usr/bin/env python3
"""Writes the hand-made mainnet-format JSON-RPC answers of connectors/src/test/resources/evm/handmade/{pre-byzantium,
numeric-status,uncles,dao-fork,mainnet-genesis}. Every answer follows the documented JSON-RPC formats (ethereum.org JSON-RPC API,
execution-apis; trace_block as OpenEthereum/Erigon document it; callTracer as geth documents it) for its era:
before Byzantium a receipt has `root` and no `status`, before London no baseFeePerGas/effectiveGasPrice/type.
Addresses, hashes and amounts are invented round values, not copies of real blocks. Run from the repository root."""
import hashlib, json, os, re

BASE = "connectors/src/test/resources/evm/handmade"
TOPICS = ["0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef",
          "0xc3d58168c5ae7397731d063d5bbf3d657854427343f4c083240f7aacaa2d0f62",
          "0x4a39dc06d4c0dbc64b70af90fd698a233a518aa5d07e595d983b8c0526c8f7fb"]
GWEI = 10 ** 9
ETH = 10 ** 18
ZERO_BLOOM = "0x" + "00" * 256


def rel(method, params):
    # mirrors connectors/src/test/java/.../testkit/FixtureNames.java
    canonical = json.dumps(params, separators=(",", ":"))
    slug = re.sub(r"^-|-$", "", re.sub(r"[^a-z0-9]+", "-", canonical.lower())) or "noparams"
    if len(slug) > 60:
        slug = slug[:60] + "-" + hashlib.sha256(canonical.encode()).hexdigest()[:12]
    return f"{method}/{slug}.json"


def write(folder, method, params, result, note=None):
    path = os.path.join(BASE, folder, rel(method, params))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    body = {"method": method, "params": params}
    if note:
        body["note"] = note
    body["result"] = result
    with open(path, "w") as f:
        json.dump(body, f, indent=2)
        f.write("\n")


def h(n):
    return hex(n)


def addr(b):
    return "0x" + b * 20


def block(number, txs, miner, gas_used, uncles=(), extra=None):
    b = {"number": h(number), "hash": "0x" + ("%02x" % (number % 251)) * 32,
         "parentHash": "0x" + ("%02x" % ((number - 1) % 251)) * 32, "nonce": "0x0000000000000042",
         "sha3Uncles": "0x" + "1d" * 32, "logsBloom": ZERO_BLOOM, "transactionsRoot": "0x" + "56" * 32,
         "stateRoot": "0x" + "d7" * 32, "receiptsRoot": "0x" + "56" * 32, "miner": miner,
         "difficulty": "0x2d1f4b5c1b5", "totalDifficulty": "0x1", "extraData": "0x", "size": "0x400",
         "gasLimit": "0x47e7c4", "gasUsed": h(gas_used), "timestamp": h(1_450_000_000 + number),
         "transactions": txs, "uncles": list(uncles), "mixHash": "0x" + "11" * 32}
    if extra:
        b.update(extra)
    return b


def tx(number, block_hash, index, sender, to, value, gas, gas_price):
    return {"hash": "0x" + ("%02x" % (0xa0 + index)) * 32, "nonce": "0x1", "blockHash": block_hash,
            "blockNumber": h(number), "transactionIndex": h(index), "from": sender, "to": to, "value": h(value),
            "gas": h(gas), "gasPrice": h(gas_price), "input": "0x", "v": "0x1b", "r": "0x1", "s": "0x1"}


def receipt(t, gas_used, cumulative, status=None, root=False):
    r = {"transactionHash": t["hash"], "transactionIndex": t["transactionIndex"], "blockHash": t["blockHash"],
         "blockNumber": t["blockNumber"], "from": t["from"], "to": t["to"], "gasUsed": h(gas_used),
         "cumulativeGasUsed": h(cumulative), "contractAddress": None, "logs": [], "logsBloom": ZERO_BLOOM}
    if root:
        r["root"] = "0x" + "0e" * 32
    if status is not None:
        r["status"] = status
    return r


def common(folder, number, b, receipts, note):
    write(folder, "eth_chainId", [], "0x1")
    write(folder, "eth_blockNumber", [], h(number + 100))
    write(folder, "eth_getBlockByNumber", [h(number), True], b, note)
    header = dict(b, transactions=[t["hash"] for t in b["transactions"]])
    write(folder, "eth_getBlockByNumber", [h(number), False], header)
    write(folder, "eth_getLogs", [{"fromBlock": h(number), "toBlock": h(number), "topics": [TOPICS]}], [])
    write(folder, "eth_getBlockReceipts", [h(number)], receipts)


def pre_byzantium():
    """Block 1,000,000 (Homestead): tx0 A->C 1 ETH, gas 100,000 all used, top-level 'Out of gas' (its inner call
    C->B 0.5 ETH is undone with it); tx1 B->A 2 ETH, a plain 21,000-gas transfer; tx2 D->C 3 ETH, 60,000 of
    200,000 gas used. Receipts carry `root`, never `status`."""
    n, A, B, C, D, M = 1_000_000, addr("aa"), addr("bb"), addr("cc"), addr("dd"), addr("99")
    price = 50 * GWEI
    bh = "0x" + ("%02x" % (n % 251)) * 32
    t0 = tx(n, bh, 0, A, C, ETH, 100_000, price)
    t1 = tx(n, bh, 1, B, A, 2 * ETH, 21_000, price)
    t2 = tx(n, bh, 2, D, C, 3 * ETH, 200_000, price)
    b = block(n, [t0, t1, t2], M, 181_000)
    rs = [receipt(t0, 100_000, 100_000, root=True), receipt(t1, 21_000, 121_000, root=True),
          receipt(t2, 60_000, 181_000, root=True)]
    common("pre-byzantium", n, b, rs, "hand-made Homestead block: tx0 fails out of gas with 1 ETH value")
    frames = [
        {"type": "CALL", "from": A, "to": C, "value": h(ETH), "gas": h(79_000), "gasUsed": h(79_000), "input": "0x",
         "error": "out of gas",
         "calls": [{"type": "CALL", "from": C, "to": B, "value": h(ETH // 2), "gas": h(2300), "gasUsed": "0x0",
                    "input": "0x"}]},
        {"type": "CALL", "from": B, "to": A, "value": h(2 * ETH), "gas": "0x0", "gasUsed": "0x0", "input": "0x"},
        {"type": "CALL", "from": D, "to": C, "value": h(3 * ETH), "gas": h(179_000), "gasUsed": h(39_000),
         "input": "0x"}]
    write("pre-byzantium", "debug_traceBlockByNumber", [h(n), {"tracer": "callTracer"}],
          [{"txHash": t["hash"], "result": f} for t, f in zip([t0, t1, t2], frames)])
    flat = []
    for i, (t, f) in enumerate(zip([t0, t1, t2], frames)):
        top = {"action": {"callType": "call", "from": f["from"], "to": f["to"], "value": f["value"],
                          "gas": f["gas"], "input": "0x"}, "blockHash": bh, "blockNumber": n,
               "subtraces": len(f.get("calls", [])), "traceAddress": [], "transactionHash": t["hash"],
               "transactionPosition": i, "type": "call"}
        if "error" in f:
            top["error"] = "Out of gas"
        else:
            top["result"] = {"gasUsed": f["gasUsed"], "output": "0x"}
        flat.append(top)
        for j, c in enumerate(f.get("calls", [])):
            flat.append({"action": {"callType": "call", "from": c["from"], "to": c["to"], "value": c["value"],
                                    "gas": c["gas"], "input": "0x"}, "blockHash": bh, "blockNumber": n,
                         "result": {"gasUsed": "0x0", "output": "0x"}, "subtraces": 0, "traceAddress": [j],
                         "transactionHash": t["hash"], "transactionPosition": i, "type": "call"})
    flat.append({"action": {"author": M, "rewardType": "block", "value": h(5 * ETH)}, "blockHash": bh,
                 "blockNumber": n, "result": None, "subtraces": 0, "traceAddress": [], "type": "reward"})
    write("pre-byzantium", "trace_block", [h(n)], flat)


def numeric_status():
    """Block 5,000,000 (Byzantium, before London): the node sends status as the JSON numbers 1 and 0.
    tx0 A->B 1 ETH succeeds; tx1 C->D 2 ETH fails (its value does not move, its fee is paid)."""
    n, A, B, C, D, M = 5_000_000, addr("aa"), addr("bb"), addr("cc"), addr("dd"), addr("99")
    price = 20 * GWEI
    bh = "0x" + ("%02x" % (n % 251)) * 32
    t0 = tx(n, bh, 0, A, B, ETH, 21_000, price)
    t1 = tx(n, bh, 1, C, D, 2 * ETH, 50_000, price)
    b = block(n, [t0, t1], M, 51_000)
    rs = [receipt(t0, 21_000, 21_000, status=1), receipt(t1, 30_000, 51_000, status=0)]
    common("numeric-status", n, b, rs, "hand-made Byzantium block whose receipts give status as JSON numbers")


def uncles():
    """Block 3,000,000 (Homestead, 5 ETH reward) mined by M with two uncles: #2,999,999 mined by U1 and #2,999,997
    mined by U2, read with eth_getUncleByBlockHashAndIndex. One plain transfer A->B 1 ETH at 20 gwei.
    By hand: M gets 5 + 2 x 5/32 = 5.3125 ETH plus the 0.00042 ETH fee; U1 (8-1) x 5/8 = 4.375 ETH; U2 (8-3) x 5/8 =
    3.125 ETH."""
    n, A, B, M, U1, U2 = 3_000_000, addr("aa"), addr("bb"), addr("99"), addr("e1"), addr("e2")
    bh = "0x" + ("%02x" % (n % 251)) * 32
    t0 = tx(n, bh, 0, A, B, ETH, 21_000, 20 * GWEI)
    uh = ["0x" + "c7" * 32, "0x" + "c8" * 32]
    b = block(n, [t0], M, 21_000, uncles=uh)
    common("uncles", n, b, [receipt(t0, 21_000, 21_000, root=True)], "hand-made Homestead block with two uncles")
    for i, (num, miner) in enumerate([(n - 1, U1), (n - 3, U2)]):
        u = block(num, [], miner, 0)
        u.update({"hash": uh[i], "transactions": [], "uncles": [], "size": None})
        del u["totalDifficulty"]
        write("uncles", "eth_getUncleByBlockHashAndIndex", [bh, h(i)], u)


def dao_fork():
    """Block 1,920,000, the DAO fork: of the 116 drained accounts (presets/mainnet-dao-drain.txt) the first holds
    1,000 ETH, the second 0.5 ETH and the last 12,345 wei at block 1,919,999; all others hold nothing. The block
    pays its miner 5 ETH and carries no transaction (the real block's content is not copied)."""
    n, M = 1_920_000, addr("99")
    drained = [l.strip() for l in open("connectors/src/main/resources/presets/mainnet-dao-drain.txt")
               if l.startswith("0x")]
    b = block(n, [], M, 0, extra={"extraData": "0x64616f2d686172642d666f726b"})
    common("dao-fork", n, b, [], "hand-made DAO fork block (extraData 'dao-hard-fork')")
    special = {0: 1000 * ETH, 1: ETH // 2, len(drained) - 1: 12_345}
    for i, a in enumerate(drained):
        write("dao-fork", "eth_getBalance", [a, h(n - 1)], h(special.get(i, 0)))


def genesis():
    """Mainnet block 0 header in the documented format (no transactions, miner zero); the allocations come from the
    preset, not from the node."""
    n = 0
    b = block(n, [], "0x" + "00" * 20, 0)
    b.update({"hash": "0xd4e56740f876aef8c010b86a40d5f56745a118d0906a34e69aec8c0db1cb8fa3",
              "parentHash": "0x" + "00" * 32, "timestamp": "0x0"})
    common("mainnet-genesis", n, b, [], "mainnet block 0 header (hash as published), no transactions")


if __name__ == "__main__":
    pre_byzantium()
    numeric_status()
    uncles()
    dao_fork()
    genesis()
