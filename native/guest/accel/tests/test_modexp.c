/* modexp: EIP-198 examples and Python-pow cross-checks. */
#include <stdlib.h>

#include "test_util.h"

struct modexp_vec {
    const char *base, *exp, *mod, *want;
};
#include "modexp_vectors.inc"

static void run_case(const char *bh, const char *eh, const char *mh, const char *wh, const char *what)
{
    static uint8_t b[4096], e[4096], m[4096], w[4096], out[4096];
    size_t bl = t_hex(bh, b, sizeof b), el = t_hex(eh, e, sizeof e), ml = t_hex(mh, m, sizeof m);
    size_t wl = t_hex(wh, w, sizeof w);
    CHECK(wl == ml);
    /* copy into exact-size heap buffers so ASan sees any over-read */
    uint8_t *hb = malloc(bl + 1), *he = malloc(el + 1), *hm = malloc(ml + 1), *ho = malloc(ml + 1);
    memcpy(hb, b, bl);
    memcpy(he, e, el);
    memcpy(hm, m, ml);
    CHECK(zkvm_modexp(bl ? hb : NULL, bl, el ? he : NULL, el, ml ? hm : NULL, ml, ho) == ZKVM_EOK);
    memcpy(out, ho, ml);
    CHECK_MEM(out, w, ml, what);
    free(hb);
    free(he);
    free(hm);
    free(ho);
}

void group_modexp(void)
{
    /* EIP-198 examples: Fermat's little theorem for the secp256k1 field prime. */
    run_case("03", "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2e",
             "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f",
             "0000000000000000000000000000000000000000000000000000000000000001", "eip198-1");
    t_end_case("modexp.eip198-fermat");
    run_case("", "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2e",
             "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f",
             "0000000000000000000000000000000000000000000000000000000000000000", "eip198-2");
    t_end_case("modexp.eip198-zero-base");

    for (size_t i = 0; i < sizeof modexp_vectors / sizeof modexp_vectors[0]; i++) {
        const struct modexp_vec *v = &modexp_vectors[i];
        char what[32];
        snprintf(what, sizeof what, "vector %zu", i);
        run_case(v->base, v->exp, v->mod, v->want, what);
    }
    t_end_case("modexp.python-pow");

    uint8_t out[1] = {0x55};
    CHECK(zkvm_modexp(NULL, 0, NULL, 0, NULL, 0, out) == ZKVM_EOK);
    CHECK(out[0] == 0x55); /* zero-length modulus writes nothing */
    CHECK(zkvm_modexp(NULL, 3, NULL, 0, NULL, 0, out) == ZKVM_EINVAL);
    t_end_case("modexp.empty-modulus");
}
