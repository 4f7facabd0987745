/* Host-only extensions of the runtime, for the host driver and the tests. */
#ifndef HOST_RUNTIME_H
#define HOST_RUNTIME_H

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>

void host_set_input(const uint8_t *buf, size_t len);
const uint8_t *host_output(size_t *len);
void host_reset_output(void);
/* While a jump buffer is set, zkvm_exit longjmps there instead of exiting (tests of failure paths). */
void host_catch_exit(jmp_buf *jump);
int host_last_exit_code(void);
void host_set_debug_quiet(int quiet);

#endif
