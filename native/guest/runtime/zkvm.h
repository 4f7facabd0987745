/* The guest runtime's interface (our zkVM, RV64IM, machine mode).
 *
 * Contract for a guest: compile your sources with every .c/.S file in native/guest/runtime, link with
 * the one .ld file there (-nostdlib -ffreestanding -static, -march=rv64im -mabi=lp64). The entry code
 * calls int main(void); its return value is the exit code (0 = success, EF termination semantics).
 * A host (x86-64) build of the same guest sources links native/guest/host instead, which implements
 * this same header over stdin/stdout.
 */
#ifndef ZKVM_H
#define ZKVM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* EF standard IO. read_input is zero-copy and idempotent: *buf points at the preloaded input, which
 * may be read-only. write_output appends to the public output; the concatenation of all calls is
 * the public output (proven: each byte is committed with the COMMIT syscall, then written to fd 1). */
void read_input(const uint8_t **buf, size_t *size);
void write_output(const uint8_t *out, size_t size);

/* Termination. zkvm_exit(0) is success; any other code is a failed execution. abort() exits with
 * ZKVM_EXIT_ABORT. Neither returns. */
#define ZKVM_EXIT_ABORT 134
_Noreturn void zkvm_exit(int code);
_Noreturn void abort(void);

/* Debug output to the host's stderr; not part of the proof or the public output. */
void zkvm_debug_print(const char *text, size_t len);

/* Guest-marked cycle regions (reported by the emulator as per-region cycles; no effect on the proof).
 * Names are short static strings; regions may nest. */
void zkvm_region_begin(const char *name);
void zkvm_region_end(const char *name);

/* The tiny libc subset the runtime provides. malloc is a bump allocator over the heap region; free
 * is a no-op; allocation failure aborts. */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
void *malloc(size_t n);
void *calloc(size_t count, size_t size);
void *realloc(void *p, size_t n);
void free(void *p);

#ifdef __cplusplus
}
#endif

#endif
