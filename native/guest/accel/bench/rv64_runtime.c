/* The bench harness's stand-in for the guest runtime when run under tools/rv64count: _start, the
 * runtime's libc subset (memcpy and memset word-wise when 8-byte aligned, memcmp, memmove, strlen, a
 * bump malloc) and the ecalls the
 * counter understands. Not part of the library. */
#include <stddef.h>
#include <stdint.h>

int main(void);

static long ecall3(long n, long a0, long a1, long a2)
{
    register long r_a0 __asm__("a0") = a0;
    register long r_a1 __asm__("a1") = a1;
    register long r_a2 __asm__("a2") = a2;
    register long r_a7 __asm__("a7") = n;
    __asm__ volatile("ecall" : "+r"(r_a0) : "r"(r_a1), "r"(r_a2), "r"(r_a7) : "memory");
    return r_a0;
}

void bench_print(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    ecall3(64, 1, (long)s, (long)n);
}

void bench_region(int begin, uint64_t id)
{
    ecall3(begin ? 0x100 : 0x101, (long)id, 0, 0);
}

__attribute__((noreturn)) void zkvm_exit(int code)
{
    for (;;)
        ecall3(93, code, 0, 0);
}

__attribute__((noreturn)) void abort(void)
{
    zkvm_exit(134);
}

void *memcpy(void *d, const void *s, size_t n)
{
    uint8_t *dd = d;
    const uint8_t *ss = s;
    if ((((uintptr_t)dd | (uintptr_t)ss) & 7) == 0) {
        for (; n >= 8; n -= 8, dd += 8, ss += 8)
            *(uint64_t *)(void *)dd = *(const uint64_t *)(const void *)ss;
    }
    while (n--)
        *dd++ = *ss++;
    return d;
}

void *memmove(void *d, const void *s, size_t n)
{
    uint8_t *dd = d;
    const uint8_t *ss = s;
    if (dd < ss)
        while (n--)
            *dd++ = *ss++;
    else
        while (n--)
            dd[n] = ss[n];
    return d;
}

void *memset(void *d, int c, size_t n)
{
    uint8_t *dd = d;
    if (((uintptr_t)dd & 7) == 0) {
        uint64_t w = 0x0101010101010101ULL * (uint8_t)c;
        for (; n >= 8; n -= 8, dd += 8)
            *(uint64_t *)(void *)dd = w;
    }
    while (n--)
        *dd++ = (uint8_t)c;
    return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const uint8_t *x = a, *y = b;
    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

static uint8_t heap[64 << 20];
static size_t heap_top;

void *malloc(size_t n)
{
    size_t at = (heap_top + 15) & ~(size_t)15;
    if (at + n > sizeof heap)
        abort();
    heap_top = at + n;
    return heap + at;
}

void free(void *p)
{
    (void)p;
}

__attribute__((naked, section(".text.start"))) void _start(void)
{
    __asm__ volatile(".option push\n.option norelax\nla gp, __global_pointer$\n.option pop\n"
                     "la sp, __stack_top\n"
                     "call main\n"
                     "call zkvm_exit\n");
}

__attribute__((aligned(16))) uint8_t bench_stack[1 << 20];
__asm__(".globl __stack_top\n.set __stack_top, bench_stack + (1 << 20)");
