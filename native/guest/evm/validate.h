/* Header validation against the parent (execution-specs validate_header, per fork). */
#ifndef GUEST_VALIDATE_H
#define GUEST_VALIDATE_H

#include "block.h"
#include "fork.h"

/* Why a header is invalid (0 = valid); used in debug output and tests. */
typedef enum header_error {
    HDR_OK = 0,
    HDR_GAS_USED_OVER_LIMIT,
    HDR_GAS_LIMIT_CHANGE,
    HDR_GAS_LIMIT_MINIMUM,
    HDR_BASE_FEE,
    HDR_TIMESTAMP,
    HDR_NUMBER,
    HDR_EXCESS_BLOB_GAS,
    HDR_BLOB_GAS_USED,
    HDR_PARENT_HASH,
} header_error;

header_error validate_header(const header *h, const header *parent, const fork_params *fp);

/* EIP-1559 expected base fee of a child of parent. */
u256 expected_base_fee(const header *parent);
/* EIP-4844 (+ EIP-7918 from Osaka) expected excess blob gas of a child of parent. */
uint64_t expected_excess_blob_gas(const header *parent, const fork_params *fp);
/* fake_exponential(factor, numerator, denominator), saturating at 2^256 - 1. */
u256 fake_exponential(uint64_t factor, uint64_t numerator, uint64_t denominator);
/* Blob base fee for an excess (MIN_BASE_FEE_PER_BLOB_GAS = 1). */
u256 blob_base_fee(uint64_t excess_blob_gas, const fork_params *fp);

#endif
