/* The guest's top level: decode, check the witness against the chain, validate the block, write the
 * 43-byte StatelessValidationResult. Stages and their outcomes are described in docs/design.md. */
#include "guest.h"

#include "block.h"
#include "common.h"
#include "execute.h"
#include "ssz.h"
#include "trie.h"
#include "validate.h"

static void write_result(const uint8_t root[32], bool valid, const stateless_input *in)
{
    uint8_t out[43];
    memcpy(out, root, 32);
    out[32] = valid ? 1 : 0;
    store_le64(out + 33, in->chain_id);
    out[41] = (uint8_t)in->schema_id;
    out[42] = (uint8_t)(in->schema_id >> 8);
    write_output(out, sizeof out);
}

int guest_validate(const uint8_t *data, size_t len, uint8_t root_out[32], bool *valid_out)
{
    stateless_input in;
    ssz_result r = ssz_decode_input(data, len, &in);
    if (r == SSZ_UNSUPPORTED_FORK)
        guest_fail(GUEST_EXIT_UNSUPPORTED_FORK, "unsupported schema id");
    if (r != SSZ_OK)
        guest_fail(GUEST_EXIT_MALFORMED_INPUT, "input does not decode as StatelessInput");
    if (in.public_key_count != in.payload.tx_count)
        guest_fail(GUEST_EXIT_MALFORMED_INPUT, "one public key per transaction expected");
    zkvm_region_begin("hash_tree_root");
    ssz_new_payload_request_root(&in, root_out);
    zkvm_region_end("hash_tree_root");

    /* Ancestor headers: each must decode and be the parent of the next; the last is our parent. */
    if (in.header_count == 0)
        guest_fail(GUEST_EXIT_BAD_WITNESS, "witness has no parent header");
    header *anc = guest_alloc(in.header_count * sizeof(header));
    for (size_t i = 0; i < in.header_count; i++) {
        if (!header_decode(in.headers[i], &anc[i]))
            guest_fail(GUEST_EXIT_MALFORMED_INPUT, "witness header does not decode");
        if (i > 0 && (memcmp(anc[i].parent_hash, anc[i - 1].hash, 32) != 0 || anc[i].number != anc[i - 1].number + 1))
            guest_fail(GUEST_EXIT_BAD_WITNESS, "witness headers are not a chain");
    }
    const header *parent = &anc[in.header_count - 1];
    if (memcmp(in.payload.parent_hash, parent->hash, 32) != 0)
        guest_fail(GUEST_EXIT_BAD_WITNESS, "last witness header is not the block's parent");

    /* The block hash commits the payload: a mismatch makes the block invalid. */
    header h;
    zkvm_region_begin("block_hash");
    header_from_payload(&in, &h);
    zkvm_region_end("block_hash");
    *valid_out = false;
    if (memcmp(h.hash, in.payload.block_hash, 32) != 0) {
        zkvm_debug_print("invalid block: block hash mismatch\n", 35);
        return GUEST_EXIT_OK;
    }
    fork_params fp = fork_params_of(in.fork);
    header_error he = validate_header(&h, parent, &fp);
    if (he != HDR_OK) {
        zkvm_debug_print("invalid block: header check failed\n", 35);
        return GUEST_EXIT_OK;
    }

    /* Pre-state: the witness nodes, keyed by hash; the parent's state root must be among them. */
    zkvm_region_begin("witness_hash"); /* keccak of every witness node and code */
    node_store *nodes = store_new(in.state_count);
    for (size_t i = 0; i < in.state_count; i++)
        store_add(nodes, in.state[i]);
    node_store *codes = store_new(in.code_count);
    for (size_t i = 0; i < in.code_count; i++)
        store_add(codes, in.codes[i]);
    zkvm_region_end("witness_hash");
    bytes root_node;
    if (memcmp(parent->state_root, TRIE_EMPTY_ROOT, 32) != 0 && !store_get(nodes, parent->state_root, &root_node))
        guest_fail(GUEST_EXIT_MISSING_NODE, "pre-state root node missing from the witness");

    *valid_out = execute_block(&in, &h, anc, in.header_count, &fp, nodes, codes);
    return GUEST_EXIT_OK;
}

int guest_main(void)
{
    const uint8_t *data;
    size_t len;
    read_input(&data, &len);
    uint8_t root[32];
    bool valid = false;
    int code = guest_validate(data, len, root, &valid);
    if (code != GUEST_EXIT_OK)
        return code;
    /* Re-decoding is cheap next to validation and keeps guest_validate's contract simple. */
    stateless_input in;
    if (ssz_decode_input(data, len, &in) != SSZ_OK)
        guest_fail(GUEST_EXIT_INTERNAL, "input decoded once but not twice");
    write_result(root, valid, &in);
    return GUEST_EXIT_OK;
}
