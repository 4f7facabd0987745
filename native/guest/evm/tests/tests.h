/* The registry of tests: T(group, name) runs test_group_name(). Groups map to xunit tests. */
#ifndef GUEST_TESTS_H
#define GUEST_TESTS_H

#define TEST_LIST                  \
    T(u256, bytes)                 \
    T(u256, add_sub_mul)           \
    T(u256, div_mod)               \
    T(u256, exp)                   \
    T(u256, bits)                  \
    T(u256, compare)               \
    T(u256, addmod_mulmod)         \
    T(u256, unary)                 \
    T(rlp, encode)                 \
    T(rlp, decode)                 \
    T(rlp, reject)                 \
    T(ssz, building_blocks)        \
    T(ssz, decode)                 \
    T(ssz, hash_tree_root)         \
    T(ssz, reject)                 \
    T(trie, sequences)             \
    T(trie, witness)               \
    T(trie, missing_node)          \
    T(trie, bad_nodes)             \
    T(block, hash)                 \
    T(block, header_rules)         \
    T(block, guest_verdicts)       \
    T(block, rlp_size)             \
    T(block, later_forks)          \
    T(block, pre_cancun)           \
    T(block, mutations)            \
    T(block, public_key_count)     \
    T(evm, arithmetic)             \
    T(evm, clz)                    \
    T(evm, pre_cancun)             \
    T(evm, memory_and_stack)       \
    T(evm, sstore_gas)             \
    T(evm, transient)              \
    T(evm, modexp_gas)             \
    T(evm, precompiles)            \
    T(evm, storage_emptiness)      \
    T(evm, call_depth)             \
    T(evm, unread_accounts)        \
    T(evm, record_journal)

#define T(group, name) void test_##group##_##name(void);
TEST_LIST
#undef T

#endif
