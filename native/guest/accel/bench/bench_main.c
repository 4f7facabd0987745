/* Cost per accelerator call. Host build: wall-clock ns per call (median of 5 batches). RV64 build
 * (freestanding, rv64_runtime.c): the instruction count of one call, reported by tools/rv64count
 * through region markers; the first call of each function (lazy constant set-up) is run before the
 * measured call and reported separately as "<name>/first". Inputs come from the test vectors. */
#ifndef __riscv
#define _POSIX_C_SOURCE 199309L /* clock_gettime */
#endif
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../zkvm_accelerators.h"

#ifdef __riscv
#include "../../runtime/zkvm.h"
void bench_print(const char *s);
void bench_region(int begin, uint64_t id);
#else
#include <stdio.h>
#include <string.h>
#include <time.h>
#endif

static size_t hexlen(const char *h) { size_t n = 0; while (h[n]) n++; return n / 2; }
static void hex(const char *h, uint8_t *out)
{
    size_t n = hexlen(h);
    for (size_t i = 0; i < n; i++) {
        int v = 0;
        for (int k = 0; k < 2; k++) {
            char c = h[2 * i + k];
            v = v * 16 + (c <= '9' ? c - '0' : (c | 32) - 'a' + 10);
        }
        out[i] = (uint8_t)v;
    }
}

struct hash_vec { size_t len; const char *hex; };
struct ecdsa_vec { const char *hash, *r, *s, *x, *y; int recid; };
struct bn_add_vec { const char *p, *q, *want; };
struct bn_mul_vec { const char *p, *k, *want; };
struct bn_pair_vec { const char *pairs; size_t n; int want; };
enum bls_op { OP_G1ADD, OP_G2ADD, OP_G1MSM, OP_G2MSM, OP_PAIRING, OP_MAPG1, OP_MAPG2 };
struct bls_vec { enum bls_op op; const char *name, *input, *want; };
#include "../tests/bls_eip2537_vectors.inc"
#include "../tests/bn254_vectors.inc"
#include "../tests/ecdsa_vectors.inc"

static uint8_t buf[4096], out[512], aux[512];
static bool flag;
static uint64_t h8[8], m16[16], t2[2];

static void b_keccak_136(void) { zkvm_keccak256(buf, 136, out); }
static void b_keccak_1k(void) { zkvm_keccak256(buf, 1024, out); }
static void b_sha256_64(void) { zkvm_sha256(buf, 64, out); }
static void b_sha256_1k(void) { zkvm_sha256(buf, 1024, out); }
static void b_ripemd_64(void) { zkvm_ripemd160(buf, 64, out); }
static void b_ripemd_1k(void) { zkvm_ripemd160(buf, 1024, out); }
static void b_blake2f_12(void) { zkvm_blake2f(12, h8, m16, t2, true); }
/* modexp: 32-byte Fermat (EIP-198 example 1) and 256-byte odd modulus with a 256-byte exponent */
static void b_modexp_32(void) { zkvm_modexp(buf, 1, buf + 64, 32, buf + 128, 32, out); }
static void b_modexp_256(void) { zkvm_modexp(buf + 1024, 256, buf + 1280, 256, buf + 1536, 256, out); }
static void b_modexp_256_even(void) { zkvm_modexp(buf + 1024, 256, buf + 1280, 256, buf + 1792, 256, out); }
static uint8_t k1h[32], k1sig[64], k1pub[64], r1h[32], r1sig[64], r1pub[64];
static void b_ecrecover(void) { zkvm_secp256k1_ecrecover(k1h, k1sig, (uint8_t)k1_vectors[2].recid, out); }
static void b_k1_verify(void) { zkvm_secp256k1_verify(k1h, k1sig, k1pub, &flag); }
static void b_p256_verify(void) { zkvm_secp256r1_verify(r1h, r1sig, r1pub, &flag); }
static uint8_t bnp[64], bnq[64], bnk[32], bnpairs[384];
static void b_bn_add(void) { zkvm_bn254_g1_add(bnp, bnq, out); }
static void b_bn_mul(void) { zkvm_bn254_g1_mul(bnp, bnk, out); }
static void b_bn_pair2(void) { zkvm_bn254_pairing(bnpairs, 2, &flag); }
static const struct bls_vec *find(enum bls_op op, size_t pairs_bytes)
{
    for (size_t i = 0; i < sizeof bls_eip2537_vectors / sizeof bls_eip2537_vectors[0]; i++) {
        const struct bls_vec *v = &bls_eip2537_vectors[i];
        if (v->op == op && v->want != NULL && hexlen(v->input) == pairs_bytes)
            return v;
    }
    return &bls_eip2537_vectors[0];
}
static uint8_t blsin[6][1024];
static void b_bls_g1add(void) { zkvm_bls12_g1_add(blsin[0], blsin[0] + 128, out); }
static void b_bls_g2add(void) { zkvm_bls12_g2_add(blsin[1], blsin[1] + 256, out); }
static void b_bls_g1msm1(void) { zkvm_bls12_g1_msm(blsin[2], 1, out); }
static void b_bls_g2msm1(void) { zkvm_bls12_g2_msm(blsin[3], 1, out); }
static void b_bls_pair2(void) { zkvm_bls12_pairing(blsin[4], 2, &flag); }
static void b_bls_mapg1(void) { zkvm_bls12_map_fp_to_g1(blsin[5], out); }
static uint8_t mapg2in[128];
static void b_bls_mapg2(void) { zkvm_bls12_map_fp2_to_g2(mapg2in, aux); }
static uint8_t kzgin[192];
static void b_kzg(void) { zkvm_kzg_point_eval(kzgin + 96, kzgin + 32, kzgin + 64, kzgin + 144, &flag); }

static const struct {
    const char *name;
    void (*fn)(void);
} benches[] = {
    {"keccak256 136 B", b_keccak_136}, {"keccak256 1 KiB", b_keccak_1k},
    {"sha256 64 B", b_sha256_64}, {"sha256 1 KiB", b_sha256_1k},
    {"ripemd160 64 B", b_ripemd_64}, {"ripemd160 1 KiB", b_ripemd_1k},
    {"blake2f 12 rounds", b_blake2f_12},
    {"modexp 32 B (EIP-198 ex. 1)", b_modexp_32}, {"modexp 256 B odd, 2048-bit exp", b_modexp_256},
    {"modexp 256 B even, 2048-bit exp", b_modexp_256_even},
    {"secp256k1 ecrecover", b_ecrecover}, {"secp256k1 verify", b_k1_verify}, {"p256 verify", b_p256_verify},
    {"bn254 g1 add", b_bn_add}, {"bn254 g1 mul", b_bn_mul}, {"bn254 pairing 2 pairs", b_bn_pair2},
    {"bls12 g1 add", b_bls_g1add}, {"bls12 g2 add", b_bls_g2add}, {"bls12 g1 msm k=1", b_bls_g1msm1},
    {"bls12 g2 msm k=1", b_bls_g2msm1}, {"bls12 pairing 2 pairs", b_bls_pair2},
    {"bls12 map fp->g1", b_bls_mapg1}, {"bls12 map fp2->g2", b_bls_mapg2},
    {"kzg point evaluation", b_kzg},
};

static void setup(void)
{
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (uint8_t)(i * 131 + 7);
    buf[0] = 3;
    hex("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2e", buf + 64);
    hex("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f", buf + 128);
    buf[1536] |= 0x80; buf[1536 + 255] |= 1;                 /* odd 2048-bit modulus */
    buf[1792] |= 0x80; buf[1792 + 255] &= 0xf0;              /* even modulus (2^4 | m) */
    for (int i = 0; i < 8; i++) h8[i] = 0x0123456789abcdefULL * (uint64_t)(i + 1);
    for (int i = 0; i < 16; i++) m16[i] = 0xfedcba9876543210ULL ^ (uint64_t)i;
    t2[0] = 128;
    const struct ecdsa_vec *k = &k1_vectors[2], *r = &r1_vectors[2];
    hex(k->hash, k1h); hex(k->r, k1sig); hex(k->s, k1sig + 32); hex(k->x, k1pub); hex(k->y, k1pub + 32);
    hex(r->hash, r1h); hex(r->r, r1sig); hex(r->s, r1sig + 32); hex(r->x, r1pub); hex(r->y, r1pub + 32);
    hex(bn_add_vectors[0].p, bnp); hex(bn_add_vectors[0].q, bnq);
    hex(bn_mul_vectors[8].k, bnk);
    hex(bn_pair_vectors[0].pairs, bnpairs);
    hex(find(OP_G1ADD, 256)->input, blsin[0]);
    hex(find(OP_G2ADD, 512)->input, blsin[1]);
    hex(find(OP_G1MSM, 160)->input, blsin[2]);
    hex(find(OP_G2MSM, 288)->input, blsin[3]);
    for (size_t i = 0; i < sizeof bls_eip2537_vectors / sizeof bls_eip2537_vectors[0]; i++) {
        const char *a = bls_eip2537_vectors[i].name, *b = "bls_pairing_e(aG1,bG2)=e(abG1,G2)";
        size_t k = 0;
        while (a[k] && a[k] == b[k])
            k++;
        if (a[k] == 0 && b[k] == 0)
            hex(bls_eip2537_vectors[i].input, blsin[4]);
    }
    hex(find(OP_MAPG1, 64)->input, blsin[5]);
    hex(find(OP_MAPG2, 128)->input, mapg2in);
    hex("01e798154708fe7789429634053cbf9f99b619f9f084048927333fce637f549b"
        "564c0a11a0f704f4fc3e8acfe0f8245f0ad1347b378fbf96e206da11a5d36306"
        "24d25032e67a7e6a4910df5834b8fe70e6bcfeeac0352434196bdf4b2485d5a1"
        "8f59a8d2a1a625a17f3fea0fe5eb8c896db3764f3185481bc22f91b4aaffcca25f26936857bc3a7c2539ea8ec3a952b7"
        "873033e038326e87ed3e1276fd140253fa08e9fc25fb2d9a98527fc22a2c9612fbeafdad446cbc7bcdbdcd780af2c16a", kzgin);
}

#ifdef __riscv
static void print_u(uint64_t v)
{
    char s[24];
    int i = 23;
    s[i] = 0;
    do { s[--i] = (char)('0' + v % 10); v /= 10; } while (v);
    bench_print(s + i);
}

int main(void)
{
    setup();
    size_t n = sizeof benches / sizeof benches[0];
    for (size_t i = 0; i < n; i++) {
        bench_print("bench ");
        print_u(2 * i);
        bench_print(" ");
        bench_print(benches[i].name);
        bench_print("/first\nbench ");
        print_u(2 * i + 1);
        bench_print(" ");
        bench_print(benches[i].name);
        bench_print("\n");
        bench_region(1, 2 * i);
        benches[i].fn();
        bench_region(0, 2 * i);
        bench_region(1, 2 * i + 1);
        benches[i].fn();
        bench_region(0, 2 * i + 1);
    }
    return 0;
}
#else
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(void)
{
    setup();
    for (size_t i = 0; i < sizeof benches / sizeof benches[0]; i++) {
        benches[i].fn();
        double best[5];
        for (int b = 0; b < 5; b++) {
            long iters = 0;
            double t0 = now(), t;
            do {
                benches[i].fn();
                iters++;
                t = now();
            } while (t - t0 < 0.04);
            best[b] = (t - t0) / (double)iters;
        }
        for (int a = 0; a < 5; a++)
            for (int b = a + 1; b < 5; b++)
                if (best[b] < best[a]) { double s = best[a]; best[a] = best[b]; best[b] = s; }
        printf("%-34s %12.1f us\n", benches[i].name, best[2] * 1e6);
    }
    return 0;
}
#endif
