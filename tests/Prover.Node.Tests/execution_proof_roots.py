#!/usr/bin/env python3
"""Independent SSZ reference for ExecutionProofTests: encodes EIP-8025 ExecutionProof containers and computes
their hash_tree_root with a from-scratch merkleization (SHA-256, zero-padded to next_pow_of_two(limit)),
sharing no code with Prover.Witness.Ssz. Prints the expected values the C# tests compare against.
Run: python3 tests/Prover.Node.Tests/execution_proof_roots.py"""
import hashlib

def h(a, b):
    return hashlib.sha256(a + b).digest()

def merkleize(chunks, limit):
    width = 1
    while width < limit:
        width *= 2
    zero = b"\0" * 32
    layer = list(chunks)
    while width > 1:
        if len(layer) % 2:
            layer.append(zero)
        layer = [h(layer[i], layer[i + 1]) for i in range(0, len(layer), 2)]
        zero = h(zero, zero)
        width //= 2
    return layer[0] if layer else zero

def pack(data):
    data = data + b"\0" * (-len(data) % 32)
    return [data[i:i + 32] for i in range(0, len(data), 32)]

def byte_list_root(data, limit):
    root = merkleize(pack(data), (limit + 31) // 32)
    return h(root, len(data).to_bytes(32, "little"))

def execution_proof_root(data, proof_type, npr_root, limit):
    public_input_root = merkleize([npr_root], 1)
    return merkleize([byte_list_root(data, limit), bytes([proof_type]) + b"\0" * 31, public_input_root], 3)

def encode(data, proof_type, npr_root):
    return (37).to_bytes(4, "little") + bytes([proof_type]) + npr_root + data

CASES = [
    # (name, proof_data, proof_type, new_payload_request_root, limit)
    ("empty", b"", 0, bytes(32), 307200),
    ("small", bytes(range(100)), 0x4B, bytes(range(32)), 307200),
    ("kib", bytes((i * 7 + 3) % 256 for i in range(1000)), 1, bytes([0xAA] * 32), 307200),
    ("small-16mib", bytes(range(100)), 0x4B, bytes(range(32)), 16 << 20),
]

if __name__ == "__main__":
    for name, data, t, root, limit in CASES:
        print(name, execution_proof_root(data, t, root, limit).hex(), hashlib.sha256(encode(data, t, root)).hexdigest())
