// Generates SSZ vectors for StatelessInput with @chainsafe/ssz (an independent implementation).
import * as ssz from "@chainsafe/ssz";
const { ContainerType, ByteVectorType, ByteListType, ListCompositeType, UintNumberType, UintBigintType,
        ProgressiveListCompositeType, BooleanType } = ssz;
const u64 = new UintBigintType(8), u256 = new UintBigintType(32);
const B = (n) => new ByteVectorType(n);
const Withdrawal = new ContainerType({ index: u64, validatorIndex: u64, address: B(20), amount: u64 });
const Payload = new ContainerType({
  parentHash: B(32), feeRecipient: B(20), stateRoot: B(32), receiptsRoot: B(32), logsBloom: B(256), prevRandao: B(32),
  blockNumber: u64, gasLimit: u64, gasUsed: u64, timestamp: u64, extraData: new ByteListType(32), baseFeePerGas: u256,
  blockHash: B(32), transactions: new ListCompositeType(new ByteListType(1 << 30), 1 << 20),
  withdrawals: new ListCompositeType(Withdrawal, 16), blobGasUsed: u64, excessBlobGas: u64 });
const Deposit = new ContainerType({ pubkey: B(48), wc: B(32), amount: u64, signature: B(96), index: u64 });
const WReq = new ContainerType({ source: B(20), pubkey: B(48), amount: u64 });
const CReq = new ContainerType({ source: B(20), sp: B(48), tp: B(48) });
const Requests = new ContainerType({ deposits: new ListCompositeType(Deposit, 8192), withdrawals: new ListCompositeType(WReq, 16), consolidations: new ListCompositeType(CReq, 2) });
const NprDeneb = new ContainerType({ payload: Payload, versionedHashes: new ListCompositeType(B(32), 4096), parentBeaconBlockRoot: B(32) });
const NprElectra = new ContainerType({ payload: Payload, versionedHashes: new ListCompositeType(B(32), 4096), parentBeaconBlockRoot: B(32), requests: Requests });
const Witness = new ContainerType({ state: new ProgressiveListCompositeType(new ByteListType(1024)), codes: new ProgressiveListCompositeType(new ByteListType(65536)), headers: new ListCompositeType(new ByteListType(1024), 256) });
const Input = (npr) => new ContainerType({ npr, witness: Witness, chainId: u64, publicKeys: new ProgressiveListCompositeType(B(65)) });

let seed = 1;
const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 8;
const bytes = (n) => Uint8Array.from({ length: n }, () => rnd() & 0xff);
const u = () => BigInt(rnd()) * 65536n + BigInt(rnd() & 0xffff);
function payload(ntx, nwd) {
  return { parentHash: bytes(32), feeRecipient: bytes(20), stateRoot: bytes(32), receiptsRoot: bytes(32), logsBloom: bytes(256),
    prevRandao: bytes(32), blockNumber: u(), gasLimit: u(), gasUsed: u(), timestamp: u(), extraData: bytes(rnd() % 33),
    baseFeePerGas: u() * u() * u(), blockHash: bytes(32), transactions: Array.from({ length: ntx }, () => bytes(rnd() % 300)),
    withdrawals: Array.from({ length: nwd }, () => ({ index: u(), validatorIndex: u(), address: bytes(20), amount: u() })),
    blobGasUsed: u(), excessBlobGas: u() };
}
const witness = (ns, nc, nh, hs = 500) => ({ state: Array.from({ length: ns }, () => bytes(rnd() % (hs + 100))), codes: Array.from({ length: nc }, () => bytes(rnd() % (hs * 6))), headers: Array.from({ length: nh }, () => bytes(hs + rnd() % 100)) });
// @chainsafe/ssz 1.9.0 merkleizes progressive lists by the earlier EIP-7916 draft (first subtree on
// the left). The current EIP-7916 and consensus-specs put the successor on the left:
// merkleize_progressive(c, n) = hash(merkleize_progressive(c[n:], 4n), merkleize(c[:n], n)).
// Roots of the containers holding progressive lists are therefore assembled here from chainsafe's
// element and field roots with that rule.
import crypto from "crypto";
const H = (a, b) => crypto.createHash("sha256").update(Buffer.concat([a, b])).digest();
const ZERO = Buffer.alloc(32);
function merkleizeN(chunks, n) {
  let layer = chunks.slice(); let width = n; let zero = ZERO;
  while (width > 1) {
    const next = [];
    for (let i = 0; i < layer.length; i += 2) next.push(H(layer[i], i + 1 < layer.length ? layer[i + 1] : zero));
    layer = next; zero = H(zero, zero); width /= 2;
  }
  return layer.length ? layer[0] : zero;
}
function progressive(chunks, n = 1) {
  if (chunks.length === 0) return ZERO;
  return H(progressive(chunks.slice(n), n * 4), merkleizeN(chunks.slice(0, n), n));
}
const lenChunk = (n) => { const b = Buffer.alloc(32); b.writeUInt32LE(n); return b; };
const progRoot = (T, items) => H(progressive(items.map((x) => Buffer.from(T.hashTreeRoot(x)))), lenChunk(items.length));
const witnessRoot = (w) => H(H(progRoot(new ByteListType(1024), w.state), progRoot(new ByteListType(65536), w.codes)),
  H(Buffer.from(new ListCompositeType(new ByteListType(1024), 256).hashTreeRoot(w.headers)), ZERO));
const inputRoot = (N, v) => H(H(Buffer.from(N.hashTreeRoot(v.npr)), witnessRoot(v.witness)),
  H(Buffer.from(u64.hashTreeRoot(v.chainId)), progRoot(B(65), v.publicKeys)));
const hex = (b) => "0x" + Buffer.from(b).toString("hex");
const cases = [];
function add(name, fork, electra, npr, wit, nkeys) {
  const T = Input(electra ? NprElectra : NprDeneb);
  const value = { npr, witness: wit, chainId: u(), publicKeys: Array.from({ length: nkeys }, () => bytes(65)) };
  cases.push({ name, schema_id: (fork << 8) | 1, ssz: hex(T.serialize(value)), input_root: hex(inputRoot(electra ? NprElectra : NprDeneb, value)),
    npr_root: hex((electra ? NprElectra : NprDeneb).hashTreeRoot(npr)), witness_root: hex(witnessRoot(wit)),
    input_root_draft: hex(T.hashTreeRoot(value)) });
}
add("cancun-empty", 0x10, false, { payload: payload(0, 0), versionedHashes: [], parentBeaconBlockRoot: bytes(32) }, witness(0, 0, 0), 0);
add("cancun-small", 0x10, false, { payload: payload(3, 2), versionedHashes: [bytes(32), bytes(32)], parentBeaconBlockRoot: bytes(32) }, witness(7, 2, 1), 3);
add("prague-empty-requests", 0x11, true, { payload: payload(1, 16), versionedHashes: [], parentBeaconBlockRoot: bytes(32), requests: { deposits: [], withdrawals: [], consolidations: [] } }, witness(1, 1, 2), 1);
add("osaka-requests", 0x12, true, { payload: payload(6, 1), versionedHashes: [bytes(32)], parentBeaconBlockRoot: bytes(32),
  requests: { deposits: [{ pubkey: bytes(48), wc: bytes(32), amount: u(), signature: bytes(96), index: u() }],
              withdrawals: [{ source: bytes(20), pubkey: bytes(48), amount: u() }, { source: bytes(20), pubkey: bytes(48), amount: u() }],
              consolidations: [{ source: bytes(20), sp: bytes(48), tp: bytes(48) }] } }, witness(22, 6, 5), 22);
add("bpo2-progressive-boundaries", 0x14, true, { payload: payload(21, 0), versionedHashes: [], parentBeaconBlockRoot: bytes(32), requests: { deposits: [], withdrawals: [], consolidations: [] } }, witness(86, 5, 256, 3), 85);
console.log(JSON.stringify({ generator: "@chainsafe/ssz 1.9.0 (tests/Prover.Witness.Tests/Vectors/README.md)", cases }, null, 1));
