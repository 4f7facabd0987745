/* Shared definitions of the EVM guest: exit codes, failure helpers, byte helpers.
 *
 * Exit codes (the guest's process exit status; 0 = the 43-byte output was written):
 *   0  success: the output carries successful_validation true or false (an invalid block is a
 *      successful execution whose output says false)
 *   2  GUEST_EXIT_MALFORMED_INPUT   the input bytes do not decode (schema id, SSZ offsets, limits,
 *                                   truncation, trailing bytes, undecodable witness RLP)
 *   3  GUEST_EXIT_UNSUPPORTED_FORK  schema id names a fork this guest does not validate
 *   4  GUEST_EXIT_MISSING_PRECOMPILE reserved (no precompile is missing any more)
 *   5  GUEST_EXIT_MISSING_NODE      the witness lacks a trie node or code the block needs
 *   6  GUEST_EXIT_BAD_WITNESS       the witness contradicts itself (parent header chain, pre-state root)
 *   7  GUEST_EXIT_ACCEL             an accelerator returned an error where none is possible
 *   8  GUEST_EXIT_UNIMPLEMENTED     a validation stage this guest does not implement yet (none is
 *                                   reachable now; kept for stages added later)
 *   9  GUEST_EXIT_INTERNAL          an internal invariant failed (a bug)
 *  10  GUEST_EXIT_ACCEL_MISSING     an accelerator function is not linked yet (accel_missing.c)
 * 134 ZKVM_EXIT_ABORT (runtime abort, e.g. allocation failure)
 */
#ifndef GUEST_COMMON_H
#define GUEST_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../runtime/zkvm.h"

enum {
    GUEST_EXIT_OK = 0,
    GUEST_EXIT_MALFORMED_INPUT = 2,
    GUEST_EXIT_UNSUPPORTED_FORK = 3,
    GUEST_EXIT_MISSING_PRECOMPILE = 4,
    GUEST_EXIT_MISSING_NODE = 5,
    GUEST_EXIT_BAD_WITNESS = 6,
    GUEST_EXIT_ACCEL = 7,
    GUEST_EXIT_UNIMPLEMENTED = 8,
    GUEST_EXIT_INTERNAL = 9,
    GUEST_EXIT_ACCEL_MISSING = 10,
};

/* Terminates with code after printing msg on the debug channel. Never returns. */
_Noreturn void guest_fail(int code, const char *msg);

/* Allocation from the runtime's bump heap; never returns NULL (the runtime aborts). Memory is never
 * freed: one block's validation fits the heap (docs/design.md, "memory"). */
void *guest_alloc(size_t n);
void *guest_zalloc(size_t n);

/* A byte slice (borrowed; never owns). */
typedef struct bytes {
    const uint8_t *ptr;
    size_t len;
} bytes;

static inline uint64_t load_le64(const uint8_t *p)
{
#if defined(__riscv)
    /* An aligned word in one load (the byte loop costs the zkVM about 30 instructions); may_alias keeps it
     * valid over any buffer. The host compiler merges the loop below into one load by itself. */
    if (((uintptr_t)p & 7) == 0)
        return *(const uint64_t __attribute__((may_alias)) *)p;
#endif
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static inline uint32_t load_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void store_le64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static inline void store_be64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (56 - 8 * i));
}

static inline uint64_t load_be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | p[i];
    return v;
}

#endif
