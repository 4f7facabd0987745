#!/usr/bin/env python3
"""Imports the verify_kzg_proof test vectors (consensus-spec-tests format, as shipped in
ethereum/c-kzg-4844 tests/verify_kzg_proof/kzg-mainnet/*/data.yaml) into kzg_vectors.inc.
Usage: import_kzg_vectors.py <path to an ethereum/c-kzg-4844 git directory> [commit]
output: true / false (proof check) or null (an input is malformed: the precompile fails)."""
import re, subprocess, sys

repo = sys.argv[1]
commit = sys.argv[2] if len(sys.argv) > 2 else "HEAD"
rev = subprocess.check_output(["git", "--git-dir", repo, "rev-parse", commit], text=True).strip()
files = subprocess.check_output(["git", "--git-dir", repo, "ls-tree", "-r", "--name-only", rev,
                                 "tests/verify_kzg_proof/kzg-mainnet"], text=True).split()
rows = []
for path in sorted(files):
    if not path.endswith("data.yaml"):
        continue
    text = subprocess.check_output(["git", "--git-dir", repo, "show", "%s:%s" % (rev, path)], text=True)
    get = lambda k: re.search(r"^\s*%s:\s*'?(0x[0-9a-fA-F]*)'?\s*$" % k, text, re.M).group(1)[2:].lower()
    out = re.search(r"^output:\s*(\w+)", text, re.M).group(1)
    want = {"true": 1, "false": 0, "null": -1}[out]
    name = path.split("/")[-2].replace("verify_kzg_proof_case_", "")
    rows.append('    {"%s", "%s", "%s", "%s", "%s", %d},' % (name, get("commitment"), get("z"), get("y"), get("proof"), want))
with open("kzg_vectors.inc", "w") as f:
    f.write("/* Imported by import_kzg_vectors.py from ethereum/c-kzg-4844 %s\n"
            " * tests/verify_kzg_proof/kzg-mainnet; want 1 valid, 0 invalid proof, -1 error. Do not edit. */\n" % rev)
    f.write("static const struct kzg_vec kzg_vectors[] = {\n%s\n};\n" % "\n".join(rows))
print(len(rows), rev)
