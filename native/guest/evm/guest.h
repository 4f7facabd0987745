#ifndef GUEST_GUEST_H
#define GUEST_GUEST_H
/* The guest's entry: validates the StatelessInput from read_input, writes the 43-byte result, and
 * returns the exit code (common.h). */
int guest_main(void);
/* The state-dump builds' entry (dump_main.c): guest_main, then a valid block's post-state appended to
 * the output. Called by main() on RV64 and by native/guest/host/host_main.c in evm-host-dump. */
int guest_dump_main(void);

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
/* Decodes and validates; writes hash_tree_root(NewPayloadRequest) and the verdict. Returns the exit code. */
int guest_validate(const uint8_t *data, size_t len, uint8_t root_out[32], bool *valid_out);
#endif
