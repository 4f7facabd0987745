// Builds an Osaka block with @ethereumjs/vm (second opinion): pre-state = EEST Prague system contracts
// + test accounts; transactions of types 0, 2 and 4 exercising CLZ, modexp (EIP-7883), 7702 and a
// contract creation; two withdrawals. Prints JSON {pre, parentRlp, blockRlp}.
import fs from 'fs'
import { createHash } from 'crypto'
import { createVM, buildBlock } from '@ethereumjs/vm'
import { Common, Hardfork, Mainnet } from '@ethereumjs/common'
import { createBlockHeader, createBlock } from '@ethereumjs/block'
import { createFeeMarket1559Tx, createLegacyTx, createEOACode7702Tx, createBlob4844Tx } from '@ethereumjs/tx'
import { Address, createAddressFromString, createAddressFromPrivateKey, hexToBytes, bytesToHex, createAccount,
         eoaCode7702SignAuthorization } from '@ethereumjs/util'

const hf = process.argv[2] || 'osaka'
const common = new Common({ chain: Mainnet, hardfork: hf })
const vm = await createVM({ common })
const sm = vm.stateManager
const fixture = JSON.parse(fs.readFileSync('/work/shared/fixtures/ethereum/eest_prague/empty_block.json'))
const t = Object.values(fixture)[0]
const pre = {}
for (const [a, v] of Object.entries(t.pre)) pre[a] = v
const keyA = hexToBytes('0x' + '11'.repeat(32)), keyB = hexToBytes('0x' + '22'.repeat(32))
const A = createAddressFromPrivateKey(keyA), B = createAddressFromPrivateKey(keyB)
pre[A.toString()] = { nonce: '0x00', balance: '0x3635c9adc5dea00000', code: '0x', storage: {} }
pre[B.toString()] = { nonce: '0x00', balance: '0x0de0b6b3a7640000', code: '0x', storage: {} }
// C1: CLZ of calldata word -> slot 0; C2: STATICCALL modexp with calldata, store success and GAS.
const C1 = '0x' + 'c1'.repeat(20), C2 = '0x' + 'c2'.repeat(20), C3 = '0x' + 'c3'.repeat(20)
pre[C1] = { nonce: '0x01', balance: '0x00', code: '0x5f351e5f5500', storage: {} }
// C2: CALLDATACOPY(0,0,calldatasize); STATICCALL(gas, 5, 0, size, 0x200, 32); SSTORE(0, ok); SSTORE(1, mload(0x200)); SSTORE(2, GAS)
pre[C2] = { nonce: '0x01', balance: '0x00',
  code: '0x365f5f37' + '6020610200365f60055afa' + '5f55' + '610200515f600155' + '5a60025500'.replace('5f6001','6001'),
  storage: {} }
// C3: delegation target: SSTORE(0, CALLER); SSTORE(1, ADDRESS); TSTORE/TLOAD roundtrip into slot 2
pre[C3] = { nonce: '0x01', balance: '0x00', code: '0x335f5530600155602a5f5d5f5c60025500', storage: {} }
// C4: CREATE2 factory: PUSH1 7 PUSH0 PUSH0 PUSH0 CREATE2 PUSH0 SSTORE STOP
pre['0x' + 'c4'.repeat(20)] = { nonce: '0x01', balance: '0x00', code: '0x60075f5f5ff55f5500', storage: {} }
for (const [a, v] of Object.entries(pre)) {
  const addr = createAddressFromString(a)
  await sm.putAccount(addr, createAccount({ nonce: BigInt(v.nonce), balance: BigInt(v.balance) }))
  if (v.code !== '0x') await sm.putCode(addr, hexToBytes(v.code))
  for (const [k, val] of Object.entries(v.storage || {}))
    await sm.putStorage(addr, hexToBytes('0x' + BigInt(k).toString(16).padStart(64, '0')), hexToBytes('0x' + BigInt(val).toString(16).padStart(64, '0')).filter((x, i, arr) => true))
}
await sm.flush?.()
const stateRoot = await sm.getStateRoot()
const parent = createBlock({ header: {
  number: 0n, gasLimit: 30000000n, timestamp: 1000n, baseFeePerGas: 7n, excessBlobGas: 0n, blobGasUsed: 0n,
  parentBeaconBlockRoot: new Uint8Array(32), stateRoot, extraData: hexToBytes('0x00'),
  requestsHash: hexToBytes('0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'),
  withdrawalsRoot: hexToBytes('0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421') } },
  { common })
const bb = await buildBlock(vm, { parentBlock: parent, headerData: { timestamp: 1012n, gasLimit: 30000000n,
  coinbase: createAddressFromString('0x' + 'cb'.repeat(20)), parentBeaconBlockRoot: hexToBytes('0x' + 'be'.repeat(32)) },
  withdrawals: [ { index: 0n, validatorIndex: 5n, address: createAddressFromString('0x' + 'aa'.repeat(20)), amount: 1000n },
                 { index: 1n, validatorIndex: 6n, address: B, amount: 0n } ],
  blockOpts: { calcDifficultyFromHeader: parent.header, putBlockIntoBlockchain: false, common } })
let nonce = 0n
const fee = { maxFeePerGas: 1000n, maxPriorityFeePerGas: 2n }
const word = (x) => x.toString(16).padStart(64, '0')
// 1: CLZ(0x00ff..) through C1
await bb.addTransaction(createFeeMarket1559Tx({ ...fee, nonce: nonce++, gasLimit: 100000n, to: C1,
  data: '0x' + word(1n << 200n) }, { common }).sign(keyA))
// 2: modexp 3^(p-1) mod p (32-byte operands) via C2
const p = (1n << 256n) - (1n << 32n) - 977n
await bb.addTransaction(createFeeMarket1559Tx({ ...fee, nonce: nonce++, gasLimit: 200000n, to: C2,
  data: '0x' + word(1n) + word(32n) + word(32n) + '03' + word(p - 1n) + word(p) }, { common }).sign(keyA))
// 3: legacy value transfer (EIP-155)
await bb.addTransaction(createLegacyTx({ nonce: nonce++, gasPrice: 100n, gasLimit: 21000n, to: '0x' + 'dd'.repeat(20),
  value: 12345n }, { common }).sign(keyA))
// 4: set-code: B delegates to C3; A calls B
const auth = eoaCode7702SignAuthorization({ chainId: '0x1', address: C3, nonce: '0x0' }, keyB)
await bb.addTransaction(createEOACode7702Tx({ ...fee, nonce: nonce++, gasLimit: 200000n, to: B.toString(), value: 0n,
  authorizationList: [auth] }, { common }).sign(keyA))
// 5: contract creation returning 2 bytes of code (0x5f00)
await bb.addTransaction(createFeeMarket1559Tx({ ...fee, nonce: nonce++, gasLimit: 100000n, to: undefined,
  data: '0x615f005f5260026000f3'.replace('615f005f52','615f005f52') }, { common }).sign(keyA))
// 6, 7 (with "requests" argument): an EIP-7002 withdrawal request (48-byte pubkey + 8-byte amount, fee
// 1 wei) and an EIP-7251 consolidation request (two pubkeys), so the block carries execution requests.
if (process.argv[3] === 'requests') {
  await bb.addTransaction(createFeeMarket1559Tx({ ...fee, nonce: nonce++, gasLimit: 300000n,
    to: '0x00000961ef480eb55e80d19ad83579a64c007002', value: 1n,
    data: '0x' + 'ab'.repeat(48) + '0000000000000123' }, { common }).sign(keyA))
  await bb.addTransaction(createFeeMarket1559Tx({ ...fee, nonce: nonce++, gasLimit: 300000n,
    to: '0x0000bbddc7ce488642fb579f8b00f3a590007251', value: 1n,
    data: '0x' + 'cd'.repeat(48) + 'ef'.repeat(48) }, { common }).sign(keyA))
  // An EIP-6110 deposit of 32 ETH through the deposit contract (deposit_data_root per the deposit
  // contract: SSZ hash_tree_root of DepositData with sha256).
  const sha = (b) => createHash('sha256').update(b).digest()
  const pk = Buffer.alloc(48, 0x5a), wc = Buffer.alloc(32, 0x01), sig = Buffer.alloc(96, 0x7c)
  const gwei = 32000000000n
  const amount = Buffer.alloc(8); amount.writeBigUInt64LE(gwei)
  const pkRoot = sha(Buffer.concat([pk, Buffer.alloc(16)]))
  const sigRoot = sha(Buffer.concat([sha(sig.subarray(0, 64)), sha(Buffer.concat([sig.subarray(64), Buffer.alloc(32)]))]))
  const root = sha(Buffer.concat([sha(Buffer.concat([pkRoot, wc])), sha(Buffer.concat([amount, Buffer.alloc(24), sigRoot]))]))
  const w = (n) => BigInt(n).toString(16).padStart(64, '0')
  const pad = (b) => Buffer.concat([b, Buffer.alloc((32 - b.length % 32) % 32)]).toString('hex')
  const calldata = '0x22895118' + w(0x80) + w(0xe0) + w(0x120) + root.toString('hex') +
    w(48) + pad(pk) + w(32) + pad(wc) + w(96) + pad(sig)
  await bb.addTransaction(createFeeMarket1559Tx({ ...fee, nonce: nonce++, gasLimit: 300000n,
    to: '0x00000000219ab540356cbb839cbe05303d7705fa', value: gwei * 1000000000n, data: calldata }, { common }).sign(keyA))
}
// 6.. (with "misc" argument; blob transactions need a KZG setup in ethereumjs, so none here): a creation whose init code
// SELFDESTRUCTs (EIP-6780: deleted, balance moved), and a CREATE2 from a factory in the pre-state.
if (process.argv[3] === 'misc') {
  // init code: PUSH20 beneficiary SELFDESTRUCT, with 5 wei endowment
  await bb.addTransaction(createFeeMarket1559Tx({ ...fee, nonce: nonce++, gasLimit: 100000n, to: undefined, value: 5n,
    data: '0x73' + 'ee'.repeat(20) + 'ff' }, { common }).sign(keyA))
  // factory C4 (pre-state): CREATE2(0, 0, 0, salt 7) of empty init code, store the address
  await bb.addTransaction(createFeeMarket1559Tx({ ...fee, nonce: nonce++, gasLimit: 100000n, to: '0x' + 'c4'.repeat(20) },
    { common }).sign(keyA))
}
const { block, requests } = await bb.build()
const out = { pre, parentRlp: bytesToHex(parent.header.serialize()), blockRlp: bytesToHex(block.serialize()),
  receipts: bb.transactionReceipts.map(r => r.cumulativeBlockGasUsed.toString()),
  requests: (requests || []).map(r => bytesToHex(r.bytes)) }
console.log(JSON.stringify(out))
