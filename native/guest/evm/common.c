#include "common.h"

_Noreturn void guest_fail(int code, const char *msg)
{
    zkvm_debug_print(msg, strlen(msg));
    zkvm_debug_print("\n", 1);
    zkvm_exit(code);
}

void *guest_alloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p == NULL)
        guest_fail(ZKVM_EXIT_ABORT, "out of memory");
    return p;
}

/* calloc: on the guest, fresh bump-allocator memory is already zero (runtime/libc.c), so no memset. */
void *guest_zalloc(size_t n)
{
    void *p = calloc(n ? n : 1, 1);
    if (p == NULL)
        guest_fail(ZKVM_EXIT_ABORT, "out of memory");
    return p;
}
