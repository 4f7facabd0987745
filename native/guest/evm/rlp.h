/* RLP (Ethereum yellow paper, appendix B): a canonical decoder over byte slices and an encoder into a
 * growable buffer. The decoder rejects every non-canonical form: a single byte below 0x80 wrapped in
 * a string header, long-form lengths below 56 or with leading zero bytes, lengths past the input,
 * and integers with leading zero bytes. */
#ifndef GUEST_RLP_H
#define GUEST_RLP_H

#include "common.h"
#include "u256.h"

typedef struct rlp_item {
    bool is_list;
    bytes payload; /* string bytes, or the concatenated encodings of the list's items */
    size_t encoded_len; /* header + payload */
} rlp_item;

/* Decodes the item at the start of *in and advances *in past it. Returns false when malformed. */
bool rlp_next(bytes *in, rlp_item *out);
/* Decodes exactly one item spanning all of in. */
bool rlp_single(bytes in, rlp_item *out);
/* Next item of a list payload cursor, which must be a string / a list. */
bool rlp_next_string(bytes *in, bytes *out);
bool rlp_next_list(bytes *in, bytes *payload);
/* Canonical unsigned integers (no leading zeros; zero is the empty string). */
bool rlp_next_u64(bytes *in, uint64_t *out);
bool rlp_next_u256(bytes *in, u256 *out);
/* A string of exactly n bytes. */
bool rlp_next_fixed(bytes *in, uint8_t *out, size_t n);
/* Number of items in a list payload, or -1 when malformed. */
long rlp_count(bytes payload);

/* Encoder: a growable byte buffer. */
typedef struct rlp_buf {
    uint8_t *ptr;
    size_t len, cap;
} rlp_buf;

void buf_init(rlp_buf *b, size_t cap);
void buf_append(rlp_buf *b, const uint8_t *data, size_t n);
void rlp_put_bytes(rlp_buf *b, const uint8_t *data, size_t n);
void rlp_put_u64(rlp_buf *b, uint64_t v);
void rlp_put_u256(rlp_buf *b, const u256 *v);
/* Lists: remember the position returned by rlp_list_begin and pass it to rlp_list_end, which
 * inserts the header in front of the items written since. */
size_t rlp_list_begin(rlp_buf *b);
void rlp_list_end(rlp_buf *b, size_t start);
/* A buffer's outermost list without moving its items: rlp_list_open reserves room for the longest header
 * (1 + 8 bytes) and returns where the items start; rlp_list_close writes the header just before them and
 * returns the whole encoding, which starts inside the reserved room (b->ptr is not its start). The room is
 * 11 bytes, so that in a buffer opened empty (8-aligned) a 3-byte header (lists of 256 to 65535 bytes, e.g. a
 * trie branch of hashes) starts 8-aligned, where keccak reads it fastest. */
enum { RLP_MAX_HEADER = 9, RLP_LIST_ROOM = 11 };
size_t rlp_list_open(rlp_buf *b);
bytes rlp_list_close(rlp_buf *b, size_t items);

#endif
