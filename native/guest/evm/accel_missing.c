/* Weak fallbacks for the accelerator functions (native/guest/accel/zkvm_accelerators.h): any call
 * that reaches one of these fails loudly with GUEST_EXIT_ACCEL_MISSING. The real implementations in
 * native/guest/accel (strong symbols) override them as they land. */
#include "common.h"

#include "../accel/zkvm_accelerators.h"

#define MISSING(name) guest_fail(GUEST_EXIT_ACCEL_MISSING, "accelerator not linked: " name)
#define WEAK __attribute__((weak))

WEAK zkvm_status zkvm_keccak256(const uint8_t *d, size_t n, uint8_t o[32]) { (void)d; (void)n; (void)o; MISSING("keccak256"); }
WEAK zkvm_status zkvm_sha256(const uint8_t *d, size_t n, uint8_t o[32]) { (void)d; (void)n; (void)o; MISSING("sha256"); }
WEAK zkvm_status zkvm_ripemd160(const uint8_t *d, size_t n, uint8_t o[32]) { (void)d; (void)n; (void)o; MISSING("ripemd160"); }
WEAK zkvm_status zkvm_modexp(const uint8_t *b, size_t bl, const uint8_t *e, size_t el, const uint8_t *m, size_t ml, uint8_t *o)
{
    (void)b; (void)bl; (void)e; (void)el; (void)m; (void)ml; (void)o;
    MISSING("modexp");
}
WEAK zkvm_status zkvm_secp256k1_verify(const uint8_t h[32], const uint8_t s[64], const uint8_t k[64], bool *v)
{
    (void)h; (void)s; (void)k; (void)v;
    MISSING("secp256k1_verify");
}
WEAK zkvm_status zkvm_secp256k1_ecrecover(const uint8_t h[32], const uint8_t s[64], uint8_t r, uint8_t k[64])
{
    (void)h; (void)s; (void)r; (void)k;
    MISSING("secp256k1_ecrecover");
}
