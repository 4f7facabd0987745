#include "execute.h"

bool execute_block(const stateless_input *in, const header *h, const header *ancestors, size_t ancestor_count,
                   const fork_params *fp, node_store *nodes, node_store *codes)
{
    (void)in;
    (void)h;
    (void)ancestors;
    (void)ancestor_count;
    (void)fp;
    (void)nodes;
    (void)codes;
    /* The EVM interpreter and transaction processing are not implemented yet: a block that passed
     * the header checks cannot be judged, so the guest fails loudly rather than answering. */
    guest_fail(GUEST_EXIT_UNIMPLEMENTED, "block execution (EVM) not implemented yet");
}
