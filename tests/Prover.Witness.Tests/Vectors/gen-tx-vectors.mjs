// Signed transactions of every type from @ethereumjs/tx 10 (an independent implementation), for
// tests/Prover.Witness.Tests/Vectors/transactions.json.
import { createTx } from "@ethereumjs/tx";
import { Common, Mainnet, Hardfork } from "@ethereumjs/common";
import { bytesToHex, hexToBytes, privateToAddress } from "@ethereumjs/util";
const common = new Common({ chain: Mainnet, hardfork: Hardfork.Prague });
const key = hexToBytes("0x4646464646464646464646464646464646464646464646464646464646464646");
const to = "0x3535353535353535353535353535353535353535";
const base = { nonce: 7n, gasLimit: 50000n, to, value: 1000n, data: "0xdeadbeef" };
const al = [{ address: to, storageKeys: ["0x" + "01".padStart(64, "0"), "0x" + "ff".padStart(64, "0")] }];
const txs = [
  { type: 0, ...base, gasPrice: 20n },
  { type: 1, ...base, gasPrice: 21n, accessList: al },
  { type: 2, ...base, maxPriorityFeePerGas: 2n, maxFeePerGas: 30n, accessList: al },
  // type 3 needs a KZG setup in ethereumjs; blob transactions are covered by the BlockchainTests fixtures
  { type: 4, ...base, maxPriorityFeePerGas: 2n, maxFeePerGas: 30n, accessList: al,
    authorizationList: [{ chainId: "0x1", address: to, nonce: "0x9", yParity: "0x1", r: "0x" + "11".repeat(32), s: "0x" + "22".repeat(32) }] },
];
const out = txs.map((t) => {
  const signed = createTx(t, { common }).sign(key);
  return { type: t.type, encoded: bytesToHex(signed.serialize()), signing_hash: bytesToHex(signed.getHashedMessageToSign()), sender: signed.getSenderAddress().toString() };
});
console.log(JSON.stringify({ generator: "@ethereumjs/tx 10, private key 0x46..46 (see gen-tx-vectors.mjs)", address: bytesToHex(privateToAddress(key)), transactions: out }, null, 1));
