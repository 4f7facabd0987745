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

/* Modular multiplication accelerators (zkVM only; proved by the modmul chip, docs/zkvm.md "Modular
 * multiplication"): x := x·y mod m, fully reduced, for 4 (256-bit) or 6 (384-bit) little-endian u64 limbs.
 * x is 8-aligned writable memory; ym holds y then m (8-aligned) and must not overlap x. The machine faults
 * when m = 0 or x·y ≥ m·2^(64·limbs) (never when y < m). Inline so that guests which do not use them are
 * unchanged. */
#if defined(__riscv)
#define ZKVM_SYS_MODMUL256 0x10020
#define ZKVM_SYS_MODMUL384 0x10021
static inline void zkvm_modmul(long number, uint64_t *x, const uint64_t *ym)
{
    register long a0 __asm__("a0") = (long)x;
    register long a1 __asm__("a1") = (long)ym;
    register long a7 __asm__("a7") = number;
    __asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a7) : "memory");
}
static inline void zkvm_modmul256(uint64_t x[4], const uint64_t ym[8]) { zkvm_modmul(ZKVM_SYS_MODMUL256, x, ym); }
static inline void zkvm_modmul384(uint64_t x[6], const uint64_t ym[12]) { zkvm_modmul(ZKVM_SYS_MODMUL384, x, ym); }
#endif

/* Weierstrass point accelerators (zkVM only; proved by the point chips, docs/zkvm.md "Weierstrass point chips"):
 * affine points as x then y, 4 little-endian u64 limbs each (secp256k1). add: p := p + q for x_p != x_q (mod the
 * field prime; P = ±Q and the point at infinity are the caller's cases); double: p := 2p for y_p != 0. Coordinates
 * are read modulo the prime, results are fully reduced; p is 8-aligned writable memory, q 8-aligned and not
 * overlapping p. Anything else faults. */
#if defined(__riscv)
#define ZKVM_SYS_SECP256K1_ADD 0x10040
#define ZKVM_SYS_SECP256K1_DOUBLE 0x10041
static inline void zkvm_secp256k1_add(uint64_t p[8], const uint64_t q[8])
{
    register long a0 __asm__("a0") = (long)p;
    register long a1 __asm__("a1") = (long)q;
    register long a7 __asm__("a7") = ZKVM_SYS_SECP256K1_ADD;
    __asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a7) : "memory");
}
static inline void zkvm_secp256k1_double(uint64_t p[8])
{
    register long a0 __asm__("a0") = (long)p;
    register long a7 __asm__("a7") = ZKVM_SYS_SECP256K1_DOUBLE;
    __asm__ volatile("ecall" : "+r"(a0) : "r"(a7) : "memory");
}
/* The same two operations on bn254 G1 (4-limb coordinates) and BLS12-381 G1 (6-limb coordinates, 96-byte points). */
#define ZKVM_SYS_BN254_ADD 0x10042
#define ZKVM_SYS_BN254_DOUBLE 0x10043
#define ZKVM_SYS_BLS12381_ADD 0x10044
#define ZKVM_SYS_BLS12381_DOUBLE 0x10045
static inline void zkvm_point_op(long number, uint64_t *p, const uint64_t *q)
{
    register long a0 __asm__("a0") = (long)p;
    register long a1 __asm__("a1") = (long)q;
    register long a7 __asm__("a7") = number;
    __asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a7) : "memory");
}
#endif

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
