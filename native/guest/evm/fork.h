/* Fork parameters selected by the schema id (shared/docs/ETHEREUM.md, EIP-7691, EIP-7892 BPO forks).
 * Paris and Shanghai run the same code paths as the later forks; each rule introduced later is gated
 * by one of the flags below. */
#ifndef GUEST_FORK_H
#define GUEST_FORK_H

#include "ssz.h"

typedef struct fork_params {
    enum fork fork;
    uint64_t target_blobs, max_blobs, blob_update_fraction; /* 0, 0, 1 before Cancun (unused there) */
    bool shanghai; /* EIP-3651 warm coinbase, 3855 PUSH0, 3860 initcode limit and cost, 4895 withdrawals */
    bool cancun;   /* EIP-1153, 4788, 4844, 5656, 6780, 7516 */
    bool prague;   /* EIP-2935, 7002, 7251, 7623, 7685, 7702, 2537 */
    bool osaka;    /* EIP-7939 CLZ, 7825 tx gas cap, 7823/7883 modexp, 7918 blob fee floor, 7934 size cap */
} fork_params;

#define GAS_PER_BLOB ((uint64_t)1 << 17)

static inline fork_params fork_params_of(enum fork f)
{
    fork_params p = {f, 3, 6, 3338477, false, false, false, false};
    switch (f) {
    case FORK_PARIS:
    case FORK_SHANGHAI:
        /* No blobs: the header has no blob gas fields and blob transactions are not valid. */
        p.target_blobs = 0;
        p.max_blobs = 0;
        p.blob_update_fraction = 1;
        break;
    case FORK_CANCUN:
        break;
    case FORK_PRAGUE:
    case FORK_OSAKA:
        p.target_blobs = 6;
        p.max_blobs = 9;
        p.blob_update_fraction = 5007716;
        break;
    case FORK_BPO1:
        p.target_blobs = 10;
        p.max_blobs = 15;
        p.blob_update_fraction = 8346193;
        break;
    case FORK_BPO2:
        p.target_blobs = 14;
        p.max_blobs = 21;
        p.blob_update_fraction = 11684671;
        break;
    }
    p.shanghai = f >= FORK_SHANGHAI;
    p.cancun = f >= FORK_CANCUN;
    p.prague = f >= FORK_PRAGUE;
    p.osaka = f >= FORK_OSAKA;
    return p;
}

#endif
