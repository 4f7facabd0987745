#!/usr/bin/env python3
"""Generates block_vectors.inc from shared/fixtures/ethereum (EEST and BlockchainTests fixtures):
for the first block of each chosen test, a StatelessInput built from the block RLP (payload fields
from the header and body, witness = every node of the pre-state tries, the codes, and the genesis
header as parent; public keys recovered from the signatures), the block hash the fixture states,
hash_tree_root(NewPayloadRequest), and whether the fixture says the block is valid.
Run at test-authoring time (needs ../shared beside the repository):
    python3 gen_block_vectors.py > block_vectors.inc
"""
import json
import os
import sys

from pyeth import (Raw, container, keccak256, merkleize, mix, rlp, rlp_decode, rlp_item_encodings, root_bytelist,
                   root_u64, root_vec, sha, trie_root, tx_sender_key, u64, var_list)

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.abspath(os.path.join(HERE, "../../../../../shared/fixtures/ethereum"))
if not os.path.isdir(FIX):
    FIX = "/work/shared/fixtures/ethereum"

CASES = [
    ("eest_prague/empty_block.json", 0x11),
    ("eest_prague/invalid_negative_excess_blob_gas.json", 0x11),
    ("blockchain_tests/ValidBlocks/bcValidBlockTest/SimpleTx.json", 0x10),
    ("blockchain_tests/ValidBlocks/bcExample/shanghaiExample.json", 0x10),
    ("blockchain_tests/ValidBlocks/bcEIP4844-blobtransactions/blockWithAllTransactionTypes.json", 0x10),
    ("blockchain_tests/ValidBlocks/bcEIP1559/transType.json", 0x10),
    ("blockchain_tests/GeneralStateTests/Pyspecs/shanghai/eip4895_withdrawals/large_amount.json", 0x10),
    ("blockchain_tests/GeneralStateTests/stExample/add11.json", 0x10),
    ("blockchain_tests/InvalidBlocks/bcInvalidHeaderTest/wrongTransactionsTrie.json", 0x10),
    ("blockchain_tests/InvalidBlocks/bcInvalidHeaderTest/wrongReceiptTrie.json", 0x10),
    ("blockchain_tests/InvalidBlocks/bcInvalidHeaderTest/wrongStateRoot.json", 0x10),
    ("blockchain_tests/InvalidBlocks/bcInvalidHeaderTest/wrongGasUsed.json", 0x10),
    ("blockchain_tests/InvalidBlocks/bc4895-withdrawals/incorrectWithdrawalsRoot.json", 0x10),
    ("blockchain_tests/InvalidBlocks/bcEIP1559/badBlocks.json", 0x10),
]


def h2b(s):
    s = s[2:] if s.startswith("0x") else s
    return bytes.fromhex(("0" if len(s) % 2 else "") + s)


def h2i(s):
    return int(s, 16) if isinstance(s, str) else int(s)


def be_int(b):
    return int.from_bytes(b, "big")


def witness_from_pre(pre):
    nodes, accounts, codes = set(), {}, []
    for addr, acct in pre.items():
        storage = {keccak256(h2i(k).to_bytes(32, "big")): rlp(h2i(v)) for k, v in acct.get("storage", {}).items()
                   if h2i(v) != 0}
        sroot, _ = trie_root(storage, nodes)
        code = h2b(acct.get("code", "0x"))
        if code:
            codes.append(code)
        accounts[keccak256(h2b(addr))] = rlp([h2i(acct["nonce"]), h2i(acct["balance"]), sroot, keccak256(code)])
    root, _ = trie_root(accounts, nodes)
    return root, sorted(nodes), codes


def build(path, fork, index=0):
    with open(os.path.join(FIX, path)) as f:
        d = json.load(f)
    name, t = list(d.items())[index]
    blk = t["blocks"][0]
    rlp_hex = blk["rlp"]
    block = h2b(rlp_hex)
    items = rlp_item_encodings(block)
    hdr, _ = rlp_decode(items[0])
    txs = [t if t[0] >= 0xC0 else rlp_decode(t)[0] for t in rlp_item_encodings(items[1])]
    withdrawals = rlp_decode(items[3])[0] if len(items) > 3 else []
    genesis = h2b(t["genesisRLP"])
    parent_hdr = rlp_item_encodings(genesis)[0]
    pre_root, nodes, codes = witness_from_pre(t["pre"])
    assert pre_root == rlp_decode(parent_hdr)[0][3], "pre-state root differs from the genesis state root"
    chain_id = 1
    vhs = []
    keys = []
    for tx in txs:
        if tx[0] == 3:
            f, _ = rlp_decode(tx[1:])
            vhs += f[10]
        key = tx_sender_key(tx, chain_id)
        keys.append(key if key is not None else b"\0" * 65)
    (ph, _om, cb, sr, _tr, rr, bloom, _diff, num, gl, gu, ts, extra, mix_hash, _nonce, bf, wr, bgu, ebg, pbbr) = hdr[:20]
    wds = [(be_int(w[0]), be_int(w[1]), w[2], be_int(w[3])) for w in withdrawals]
    block_hash = keccak256(items[0])
    payload = container([
        (ph, None), (cb, None), (sr, None), (rr, None), (bloom, None), (mix_hash, None),
        (u64(be_int(num)), None), (u64(be_int(gl)), None), (u64(be_int(gu)), None), (u64(be_int(ts)), None),
        (None, extra), (be_int(bf).to_bytes(32, "little"), None), (block_hash, None),
        (None, var_list(txs)),
        (None, b"".join(u64(a) + u64(b) + c + u64(e) for a, b, c, e in wds)),
        (u64(be_int(bgu)), None), (u64(be_int(ebg)), None)])
    payload_root = merkleize([
        root_vec(ph), root_vec(cb), root_vec(sr), root_vec(rr), root_vec(bloom), root_vec(mix_hash),
        root_u64(be_int(num)), root_u64(be_int(gl)), root_u64(be_int(gu)), root_u64(be_int(ts)),
        root_bytelist(extra, 32), be_int(bf).to_bytes(32, "little"), root_vec(block_hash),
        mix(merkleize([root_bytelist(x, 1 << 30) for x in txs], 1 << 20), len(txs)),
        mix(merkleize([merkleize([root_u64(a), root_u64(b), root_vec(c), root_u64(e)]) for a, b, c, e in wds], 16), len(wds)),
        root_u64(be_int(bgu)), root_u64(be_int(ebg))])
    fields = [(None, payload), (None, b"".join(vhs)), (pbbr, None)]
    roots = [payload_root, mix(merkleize(list(vhs), 4096), len(vhs)), pbbr]
    if fork >= 0x11:
        assert hdr[20] == sha(b""), "only blocks without execution requests are supported here"
        fields.append((None, container([(None, b""), (None, b""), (None, b"")])))
        roots.append(merkleize([mix(merkleize([], 8192), 0), mix(merkleize([], 16), 0), mix(merkleize([], 2), 0)]))
    npr = container(fields)
    witness = container([(None, var_list(nodes)), (None, var_list(codes)), (None, var_list([parent_hdr]))])
    body = container([(None, npr), (None, witness), (u64(chain_id), None), (None, b"".join(keys))])
    data = (fork << 8 | 1).to_bytes(2, "big") + body
    valid = "expectException" not in blk
    stated_hash = h2b(blk["blockHeader"]["hash"]) if "blockHeader" in blk else block_hash
    return name, data, merkleize(roots), stated_hash, valid, len(block)


def all_cases():
    """The chosen cases, then every other BlockchainTests file whose network is Cancun."""
    seen = {p for p, _ in CASES}
    out = list(CASES)
    base = os.path.join(FIX, "blockchain_tests")
    for root, _, files in sorted(os.walk(base)):
        for fn in sorted(files):
            rel = os.path.relpath(os.path.join(root, fn), FIX)
            if fn.endswith(".json") and rel not in seen:
                with open(os.path.join(FIX, rel)) as f:
                    net = next(iter(json.load(f).values()))["network"]
                if net == "Cancun":
                    out.append((rel, 0x10))
    return out


def requests_ssz(reqs):
    """(SSZ container bytes, hash_tree_root) of ExecutionRequests from the three lists' raw bytes."""
    dep, wr, con = reqs

    def roots(data, size, layout):
        out = []
        for i in range(0, len(data), size):
            e, pos, fr = data[i:i + size], 0, []
            for kind, n in layout:
                fr.append(root_u64(int.from_bytes(e[pos:pos + n], "little")) if kind == "u" else root_vec(e[pos:pos + n]))
                pos += n
            out.append(merkleize(fr))
        return out
    r0 = roots(dep, 192, [("v", 48), ("v", 32), ("u", 8), ("v", 96), ("u", 8)])
    r1 = roots(wr, 76, [("v", 20), ("v", 48), ("u", 8)])
    r2 = roots(con, 116, [("v", 20), ("v", 48), ("v", 48)])
    root = merkleize([mix(merkleize(r0, 8192), len(r0)), mix(merkleize(r1, 16), len(r1)), mix(merkleize(r2, 2), len(r2))])
    return container([(None, dep), (None, wr), (None, con)]), root


def build_payload_input(fork, hdr, txs, wds, witness_state, witness_codes, witness_headers, chain_id, vhs=(),
                        reqs=(b"", b"", b"")):
    """StatelessInput bytes and hash_tree_root(NewPayloadRequest) from header fields (RLP order)."""
    (ph, _om, cb, sr, _tr, rr, bloom, _diff, num, gl, gu, ts, extra, mix_hash, _nonce, bf, _wr, bgu, ebg, pbbr) = hdr[:20]
    block_hash = keccak256(rlp(hdr))
    keys = []
    for tx in txs:
        key = tx_sender_key(tx, chain_id)
        keys.append(key if key is not None else b"\0" * 65)
    payload = container([
        (ph, None), (cb, None), (sr, None), (rr, None), (bloom, None), (mix_hash, None),
        (u64(be_int(num)), None), (u64(be_int(gl)), None), (u64(be_int(gu)), None), (u64(be_int(ts)), None),
        (None, extra), (be_int(bf).to_bytes(32, "little"), None), (block_hash, None),
        (None, var_list(txs)),
        (None, b"".join(u64(a) + u64(b) + c + u64(e) for a, b, c, e in wds)),
        (u64(be_int(bgu)), None), (u64(be_int(ebg)), None)])
    payload_root = merkleize([
        root_vec(ph), root_vec(cb), root_vec(sr), root_vec(rr), root_vec(bloom), root_vec(mix_hash),
        root_u64(be_int(num)), root_u64(be_int(gl)), root_u64(be_int(gu)), root_u64(be_int(ts)),
        root_bytelist(extra, 32), be_int(bf).to_bytes(32, "little"), root_vec(block_hash),
        mix(merkleize([root_bytelist(x, 1 << 30) for x in txs], 1 << 20), len(txs)),
        mix(merkleize([merkleize([root_u64(a), root_u64(b), root_vec(c), root_u64(e)]) for a, b, c, e in wds], 16), len(wds)),
        root_u64(be_int(bgu)), root_u64(be_int(ebg))])
    fields = [(None, payload), (None, b"".join(vhs)), (pbbr, None)]
    roots = [payload_root, mix(merkleize(list(vhs), 4096), len(vhs)), pbbr]
    if fork >= 0x11:
        assert hdr[20] == sha(b"".join(sha(bytes([i]) + r) for i, r in enumerate(reqs) if r)), "requests hash"
        enc, rroot = requests_ssz(reqs)
        fields.append((None, enc))
        roots.append(rroot)
    npr = container(fields)
    witness = container([(None, var_list(witness_state)), (None, var_list(witness_codes)), (None, var_list(witness_headers))])
    body = container([(None, npr), (None, witness), (u64(chain_id), None), (None, b"".join(keys))])
    return (fork << 8 | 1).to_bytes(2, "big") + body, merkleize(roots), block_hash


def build_witness_fixture(path):
    """The legacy {block, witness} benchmark shape (Prague) with a real debug_executionWitness."""
    with open(os.path.join(FIX, path)) as f:
        d = json.load(f)
    blk = d["block_and_witness"]["block"]
    h = blk["header"]
    hdr = [h2b(h["parent_hash"]), h2b(h["ommers_hash"]), h2b(h["beneficiary"]), h2b(h["state_root"]),
           h2b(h["transactions_root"]), h2b(h["receipts_root"]), h2b(h["logs_bloom"]), h2i(h["difficulty"]),
           h2i(h["number"]), h2i(h["gas_limit"]), h2i(h["gas_used"]), h2i(h["timestamp"]), h2b(h["extra_data"]),
           h2b(h["mix_hash"]), h2b(h["nonce"]), h2i(h["base_fee_per_gas"]), h2b(h["withdrawals_root"]),
           h2i(h["blob_gas_used"]), h2i(h["excess_blob_gas"]), h2b(h["parent_beacon_block_root"]),
           h2b(h["requests_hash"])]
    hdr = [x if isinstance(x, bytes) else (x.to_bytes((x.bit_length() + 7) // 8, "big")) for x in hdr]
    txs = []
    for t in blk["body"]["transactions"]:
        (kind, body), = t["transaction"].items()
        assert kind == "Legacy", kind
        sig = t["signature"]
        cid = h2i(body["chain_id"])
        v = 35 + 2 * cid + h2i(sig["yParity"])
        txs.append(rlp([h2i(body["nonce"]), h2i(body["gas_price"]), h2i(body["gas_limit"]), h2b(body["to"]),
                        h2i(body["value"]), h2b(body["input"]), v, h2i(sig["r"]), h2i(sig["s"])]))
    assert trie_root({rlp(i): x for i, x in enumerate(txs)})[0] == hdr[4], "transactions root"
    w = d["block_and_witness"]["witness"]
    headers = [h2b(x) for x in w["headers"]]
    assert keccak256(headers[-1]) == hdr[0], "parent header hash"
    data, root, bh = build_payload_input(0x11, hdr, txs, [], [h2b(x) for x in w["state"]],
                                         [h2b(x) for x in w["codes"]], headers, 1)
    return os.path.basename(path), data, root, bh, bool(d["success"]), 0


def build_ejs(path, fork, tamper_requests=False):
    """Blocks built by @ethereumjs/vm (tests/ejs/gen.mjs, a second opinion for Prague, Osaka and BPO2
    rules: CLZ, EIP-7883 modexp, EIP-7702, creation, withdrawals)."""
    with open(os.path.join(HERE, path)) as f:
        d = json.load(f)
    block = h2b(d["blockRlp"])
    items = rlp_item_encodings(block)
    hdr, _ = rlp_decode(items[0])
    txs = [t if t[0] >= 0xC0 else rlp_decode(t)[0] for t in rlp_item_encodings(items[1])]
    withdrawals = rlp_decode(items[3])[0] if len(items) > 3 else []
    wds = [(be_int(w[0]), be_int(w[1]), w[2], be_int(w[3])) for w in withdrawals]
    parent = h2b(d["parentRlp"])
    pre_root, nodes, codes = witness_from_pre(d["pre"])
    assert pre_root == rlp_decode(parent)[0][3], "pre-state root differs from the parent's"
    reqs = [b"", b"", b""]
    for r in d.get("requests", []):
        rb = h2b(r)
        reqs[rb[0]] = rb[1:]
    if tamper_requests:
        # A payload whose withdrawal request amount differs from what the system contract returns, with
        # a header (requests hash, block hash) consistent with the tampered payload: only execution can
        # tell, so the block must be judged invalid at the requests comparison.
        w = bytearray(reqs[1])
        w[68] ^= 1
        reqs[1] = bytes(w)
        hdr = list(hdr)
        hdr[20] = sha(b"".join(sha(bytes([i]) + r) for i, r in enumerate(reqs) if r))
    data, root, bh = build_payload_input(fork, hdr, txs, wds, nodes, codes, [parent], 1, reqs=reqs)
    if tamper_requests:
        return "tampered-" + os.path.basename(path), data, root, bh, False, 0
    assert bh == keccak256(items[0])
    return os.path.basename(path), data, root, bh, True, len(block)


# The files whose transactions call precompiles 0x06-0x0a: every Cancun test of each (first block),
# not only the first test; named FILE#INDEX.
PRECOMPILE_DIRS = ("stPreCompiledContracts2/CALLBlake2f", "stTimeConsuming/CALLBlake2f", "stZeroKnowledge/",
                   "stZeroKnowledge2/", "eip4844_blobs/point_evaluation", "eip4844_blobs/valid_precompile")


def extra_precompile_cases():
    out = []
    for path, fork in all_cases():
        if not any(k in path for k in PRECOMPILE_DIRS):
            continue
        with open(os.path.join(FIX, path)) as f:
            tests = list(json.load(f).values())
        for i in range(1, len(tests)):
            if tests[i]["network"] == "Cancun":
                out.append((path, fork, i))
    return out


CASES = all_cases()
print("/* Generated by gen_block_vectors.py from shared/fixtures/ethereum. Do not edit. */")
print("static const struct block_case {\n    const char *name, *input, *npr_root, *block_hash;\n    int valid;\n    unsigned long rlp_len; /* length of the fixture's block RLP (0: not known) */\n} block_cases[] = {")
for path, fork in CASES:
    try:
        name, data, root, bh, valid, rlp_len = build(path, fork)
    except Exception as ex:  # a fixture this generator cannot express (reported, not hidden)
        print(f"skipped {path}: {ex!r}", file=sys.stderr)
        continue
    short = os.path.basename(path)
    print(f'    {{"{short}", "{data.hex()}",\n     "{root.hex()}", "{bh.hex()}", {1 if valid else 0}, {rlp_len}}},')
for path, fork, i in extra_precompile_cases():
    try:
        name, data, root, bh, valid, rlp_len = build(path, fork, i)
    except Exception as ex:
        print(f"skipped {path}#{i}: {ex!r}", file=sys.stderr)
        continue
    short = f"{os.path.basename(path)}#{i}"
    print(f'    {{"{short}", "{data.hex()}",\n     "{root.hex()}", "{bh.hex()}", {1 if valid else 0}, {rlp_len}}},')
    if os.environ.get("WRITE_INPUTS"):  # StatelessInput files for tests/inputs (emulator tests)
        with open(os.path.join(os.environ["WRITE_INPUTS"], short.replace("#", "_").replace(".json", "") + ".ssz"), "wb") as f:
            f.write(data)
for path, fork in [("ejs/prague.json", 0x11), ("ejs/osaka.json", 0x12), ("ejs/bpo2.json", 0x14),
                   ("ejs/prague_requests.json", 0x11), ("ejs/osaka_misc.json", 0x12)]:
    for tamper in ([False, True] if "requests" in path else [False]):
        name, data, root, bh, valid, rlp_len = build_ejs(path, fork, tamper)
        print(f'    {{"ejs-{name}", "{data.hex()}",\n     "{root.hex()}", "{bh.hex()}", {1 if valid else 0}, {rlp_len}}},')
for fn in sorted(os.listdir(os.path.join(FIX, "prague_witness"))):
    path = os.path.join("prague_witness", fn)
    try:
        name, data, root, bh, valid, rlp_len = build_witness_fixture(path)
    except Exception as ex:
        print(f"skipped {path}: {ex!r}", file=sys.stderr)
        continue
    print(f'    {{"{name}", "{data.hex()}",\n     "{root.hex()}", "{bh.hex()}", {1 if valid else 0}, {rlp_len}}},')
print("};")
