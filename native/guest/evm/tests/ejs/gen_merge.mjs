// Builds a Paris or a Shanghai block with @ethereumjs/vm (second opinion for the pre-Cancun rules):
// node gen_merge.mjs paris|shanghai|cancun > NAME.json. Prints JSON {pre, parentRlp, blockRlp} like
// gen.mjs. The same transactions in a Cancun block (no system contracts in the pre-state) show the
// EIP-6780 difference: SD keeps its account and storage, and its re-creation collides.
// Transactions (sender A):
//  1. PROBE: calls one-opcode contracts with 10000 gas each and stores whether each call succeeded:
//     PUSH0 (EIP-3855, Shanghai), TLOAD, TSTORE, MCOPY, BLOBHASH, BLOBBASEFEE (Cancun: invalid here),
//     and the address 0x0a (the point evaluation precompile from Cancun; a plain empty account here);
//     then PREVRANDAO (slot 10) and the gas of BALANCE(COINBASE) (slot 11: warm from Shanghai, EIP-3651).
//  2. SD (pre-state, with balance and storage) SELFDESTRUCTs to a fresh address E: before EIP-6780
//     the account and its storage are deleted at the end of the transaction.
//  3. BURN (pre-state, with storage) SELFDESTRUCTs to itself: deleted, its balance burned.
//  4. The CREATE2 factory F recreates SD at the same address (SD was CREATE2-made by F): the new
//     account has only the storage its init code writes.
//  5. A legacy creation with 70 bytes of init code (EIP-3860 word cost from Shanghai).
//  6. A legacy transfer.
//  7. ZERO (pre-state, no balance) SELFDESTRUCTs to a fresh address Z: the untouched-empty beneficiary
//     must not be created (EIP-161 touch), whatever the fork.
//  From Shanghai: two withdrawals (one to E).
import { createVM, buildBlock } from '@ethereumjs/vm'
import { Common, Mainnet } from '@ethereumjs/common'
import { createBlock } from '@ethereumjs/block'
import { createFeeMarket1559Tx, createLegacyTx } from '@ethereumjs/tx'
import { createAddressFromString, createAddressFromPrivateKey, hexToBytes, bytesToHex, createAccount,
         generateAddress2 } from '@ethereumjs/util'

const hf = process.argv[2] || 'shanghai'
const shanghai = hf !== 'paris', cancun = hf === 'cancun'
const common = new Common({ chain: Mainnet, hardfork: hf })
const vm = await createVM({ common })
const sm = vm.stateManager
const pre = {}
const keyA = hexToBytes('0x' + '11'.repeat(32))
const A = createAddressFromPrivateKey(keyA)
pre[A.toString()] = { nonce: '0x00', balance: '0x3635c9adc5dea00000', code: '0x', storage: {} }
const E = 'ee'.repeat(20)
const callees = ['5f00', '60005c00', '600160005d00', '6001600060005e00', '60004900', '4a00']
const calleeAddr = (i) => '0x' + ('a' + i).repeat(20)
callees.forEach((code, i) => { pre[calleeAddr(i)] = { nonce: '0x01', balance: '0x00', code: '0x' + code, storage: {} } })
const hex2 = (n) => n.toString(16).padStart(2, '0')
let probe = ''
// (0x0a only before Cancun: ethereumjs needs a KZG setup to run the point evaluation precompile)
const targets = [...callees.map((_, i) => calleeAddr(i).slice(2)), ...(cancun ? [] : ['00'.repeat(19) + '0a'])]
targets.forEach((a, i) => { probe += '6000600060006000600073' + a + '612710f1' + '60' + hex2(i) + '55' })
probe += '44600a55' + '5a4131505a9003600b55' + '00'
const PROBE = '0x' + 'b1'.repeat(20)
pre[PROBE] = { nonce: '0x01', balance: '0x00', code: '0x' + probe, storage: {} }
// F: CALLDATACOPY(0, 0, size); CREATE2(0, 0, size, salt 0); SSTORE(0, address); STOP
const F = '0x' + 'f0'.repeat(20)
pre[F] = { nonce: '0x01', balance: '0x00', code: '0x36600060003760003660006000f560005500', storage: {} }
const runtime = '73' + E + 'ff' // PUSH20 E SELFDESTRUCT (22 bytes)
// init: SSTORE(3, 7); PUSH22 runtime PUSH1 0 MSTORE; RETURN(10, 22)
const init = '6007600355' + '75' + runtime + '600052' + '6016600af3'
const SD = bytesToHex(generateAddress2(hexToBytes(F), new Uint8Array(32), hexToBytes('0x' + init)))
pre[SD] = { nonce: '0x01', balance: '0x03e8', code: '0x' + runtime, storage: { '0x01': '0x05', '0x02': '0x06' } }
const ZERO = '0x' + 'b3'.repeat(20)
pre[ZERO] = { nonce: '0x01', balance: '0x00', code: '0x73' + 'e1'.repeat(20) + 'ff', storage: {} }
const BURN = '0x' + 'b2'.repeat(20)
pre[BURN] = { nonce: '0x01', balance: '0x0309', code: '0x30ff', storage: { '0x01': '0x01' } }
for (const [a, v] of Object.entries(pre)) {
  const addr = createAddressFromString(a)
  await sm.putAccount(addr, createAccount({ nonce: BigInt(v.nonce), balance: BigInt(v.balance) }))
  if (v.code !== '0x') await sm.putCode(addr, hexToBytes(v.code))
  for (const [k, val] of Object.entries(v.storage || {}))
    await sm.putStorage(addr, hexToBytes('0x' + BigInt(k).toString(16).padStart(64, '0')), hexToBytes('0x' + BigInt(val).toString(16).padStart(2, '0')))
}
await sm.flush?.()
const stateRoot = await sm.getStateRoot()
const parentHeader = { number: 0n, gasLimit: 30000000n, timestamp: 1000n, baseFeePerGas: 7n, stateRoot, extraData: hexToBytes('0x00') }
if (shanghai) parentHeader.withdrawalsRoot = hexToBytes('0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421')
if (cancun) Object.assign(parentHeader, { excessBlobGas: 0n, blobGasUsed: 0n, parentBeaconBlockRoot: new Uint8Array(32) })
const parent = createBlock({ header: parentHeader }, { common })
const bb = await buildBlock(vm, { parentBlock: parent, headerData: { timestamp: 1012n, gasLimit: 30000000n,
  coinbase: createAddressFromString('0x' + 'cb'.repeat(20)), mixHash: hexToBytes('0x' + 'be'.repeat(32)),
  ...(cancun ? { parentBeaconBlockRoot: hexToBytes('0x' + 'bb'.repeat(32)) } : {}) },
  withdrawals: shanghai ? [ { index: 0n, validatorIndex: 5n, address: createAddressFromString('0x' + 'aa'.repeat(20)), amount: 1000n },
                            { index: 1n, validatorIndex: 6n, address: createAddressFromString('0x' + E), amount: 1n } ] : undefined,
  blockOpts: { calcDifficultyFromHeader: parent.header, putBlockIntoBlockchain: false, common } })
let nonce = 0n
const fee = { maxFeePerGas: 1000n, maxPriorityFeePerGas: 2n }
await bb.addTransaction(createFeeMarket1559Tx({ ...fee, nonce: nonce++, gasLimit: 300000n, to: PROBE }, { common }).sign(keyA))
await bb.addTransaction(createFeeMarket1559Tx({ ...fee, nonce: nonce++, gasLimit: 100000n, to: SD }, { common }).sign(keyA))
await bb.addTransaction(createFeeMarket1559Tx({ ...fee, nonce: nonce++, gasLimit: 100000n, to: BURN }, { common }).sign(keyA))
await bb.addTransaction(createFeeMarket1559Tx({ ...fee, nonce: nonce++, gasLimit: 200000n, to: F, data: '0x' + init }, { common }).sign(keyA))
await bb.addTransaction(createLegacyTx({ nonce: nonce++, gasPrice: 100n, gasLimit: 100000n, to: undefined,
  data: '0x60006000f3' + '00'.repeat(65) }, { common }).sign(keyA))
await bb.addTransaction(createLegacyTx({ nonce: nonce++, gasPrice: 100n, gasLimit: 21000n, to: '0x' + 'dd'.repeat(20),
  value: 12345n }, { common }).sign(keyA))
await bb.addTransaction(createFeeMarket1559Tx({ ...fee, nonce: nonce++, gasLimit: 100000n, to: ZERO }, { common }).sign(keyA))
const { block } = await bb.build()
// Post-state facts for the README and a reader's sanity: SD's storage after the recreation, PROBE's slots.
const sdAcc = await vm.stateManager.getAccount(createAddressFromString(SD))
const facts = { zeroBeneficiary: (await vm.stateManager.getAccount(createAddressFromString('0x' + 'e1'.repeat(20)))) === undefined ? 'absent' : 'present',
  sd: SD, sdNonce: sdAcc?.nonce?.toString(), burn: (await vm.stateManager.getAccount(createAddressFromString(BURN))) === undefined ? 'deleted' : 'present',
  sdSlot1: bytesToHex(await vm.stateManager.getStorage(createAddressFromString(SD), hexToBytes('0x' + '01'.padStart(64, '0')))),
  sdSlot3: bytesToHex(await vm.stateManager.getStorage(createAddressFromString(SD), hexToBytes('0x' + '03'.padStart(64, '0')))),
  probe: await Promise.all([...Array(12).keys()].map(async (i) => bytesToHex(await vm.stateManager.getStorage(createAddressFromString(PROBE), hexToBytes('0x' + hex2(i).padStart(64, '0')))))),
  receipts: bb.transactionReceipts.map(r => r.cumulativeBlockGasUsed.toString()) }
const out = { pre, parentRlp: bytesToHex(parent.header.serialize()), blockRlp: bytesToHex(block.serialize()), facts }
console.log(JSON.stringify(out))
