#!/usr/bin/env python3
"""Imports the EIPs' own test vectors into C include files:
  assets/eip-2537/*.json -> bls_eip2537_vectors.inc  (BLS12-381 precompiles)
  assets/eip-7951/test-vectors.json -> p256_eip7951_vectors.inc (P256VERIFY, from Wycheproof)
Usage: import_eip_vectors.py <path to an ethereum/EIPs git directory> [commit]
Cases whose only fault is the precompile input length are dropped: lengths are the caller's
(the EVM's) to check, the C functions take decoded operands. Large MSM vectors are limited to
k <= 8 pairs to keep the sanitizer test run short."""
import json, subprocess, sys

repo = sys.argv[1]
commit = sys.argv[2] if len(sys.argv) > 2 else "HEAD"
rev = subprocess.check_output(["git", "--git-dir", repo, "rev-parse", commit], text=True).strip()

def load(path):
    return json.loads(subprocess.check_output(["git", "--git-dir", repo, "show", "%s:%s" % (rev, path)]))

OPS = [  # file stem, C op, bytes per unit (pair) of the input
    ("add_G1_bls", "OP_G1ADD", 256), ("add_G2_bls", "OP_G2ADD", 512),
    ("mul_G1_bls", "OP_G1MSM", 160), ("mul_G2_bls", "OP_G2MSM", 288),
    ("msm_G1_bls", "OP_G1MSM", 160),
    ("pairing_check_bls", "OP_PAIRING", 384),
    ("map_fp_to_G1_bls", "OP_MAPG1", 64), ("map_fp2_to_G2_bls", "OP_MAPG2", 128),
    ("fail-add_G1_bls", "OP_G1ADD", 256), ("fail-add_G2_bls", "OP_G2ADD", 512),
    ("fail-mul_G1_bls", "OP_G1MSM", 160), ("fail-mul_G2_bls", "OP_G2MSM", 288),
    ("fail-msm_G1_bls", "OP_G1MSM", 160), ("fail-msm_G2_bls", "OP_G2MSM", 288),
    ("fail-pairing_check_bls", "OP_PAIRING", 384),
    ("fail-map_fp_to_G1_bls", "OP_MAPG1", 64), ("fail-map_fp2_to_G2_bls", "OP_MAPG2", 128),
]
fixed = {"OP_G1ADD", "OP_G2ADD", "OP_MAPG1", "OP_MAPG2"}
rows = []
for stem, op, unit in OPS:
    for v in load("assets/eip-2537/%s.json" % stem):
        n = len(v["Input"]) // 2
        if n == 0 or n % unit != 0 or (op in fixed and n != unit):
            continue  # a length error: the caller's
        if op in ("OP_G1MSM", "OP_G2MSM") and n // unit > 8:
            continue
        want = v.get("Expected")
        rows.append('    {%s, "%s", "%s", %s},' % (op, v["Name"], v["Input"], '"%s"' % want if want is not None and not stem.startswith("fail") else "NULL"))
with open("bls_eip2537_vectors.inc", "w") as f:
    f.write("/* Imported by import_eip_vectors.py from ethereum/EIPs %s assets/eip-2537; do not edit. */\n" % rev)
    f.write("static const struct bls_vec bls_eip2537_vectors[] = {\n%s\n};\n" % "\n".join(rows))

rows = []
for v in load("assets/eip-7951/test-vectors.json"):
    if len(v["Input"]) != 320:
        continue  # wrong input length: the caller's
    rows.append('    {"%s", %d},' % (v["Input"], 1 if v["Expected"] else 0))
with open("p256_eip7951_vectors.inc", "w") as f:
    f.write("/* Imported by import_eip_vectors.py from ethereum/EIPs %s assets/eip-7951/test-vectors.json\n"
            " * (Wycheproof ecdsa_secp256r1 cases); input = h || r || s || qx || qy, want 1 = valid. */\n" % rev)
    f.write("static const struct p256_vec p256_eip7951_vectors[] = {\n%s\n};\n" % "\n".join(rows))
print("ok", rev)
