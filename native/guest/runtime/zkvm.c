/* The guest runtime for our RV64IM zkVM: the EF IO functions, termination, debug output and cycle
 * regions over ecall (syscall numbers and registers: docs/design.md, "Guest ABI"). The write and
 * exit numbers are Linux's, so a guest also runs under qemu-riscv64 user mode; there the zkVM-only
 * calls fail with -ENOSYS and are treated as "no input" / ignored.
 *
 * The proven public output is the committed output: COMMIT (a7 = 0x10003, a0 = index, a1 = byte,
 * returns a0 = 0) appends one byte, and the zkVM faults unless index equals the number of bytes
 * committed so far and byte < 256. write_output commits every byte and then also writes it to fd 1
 * (which the zkVM does not prove: it is for hosts and qemu). */
#include "zkvm.h"

#define SYS_WRITE 64
#define SYS_EXIT 93
#define SYS_ZKVM_INPUT 0x10000
#define SYS_ZKVM_REGION_BEGIN 0x10001
#define SYS_ZKVM_REGION_END 0x10002
#define SYS_ZKVM_COMMIT 0x10003

static inline long zkvm_ecall3(long n, long a0, long a1, long a2, long *r1)
{
    register long x10 __asm__("a0") = a0;
    register long x11 __asm__("a1") = a1;
    register long x12 __asm__("a2") = a2;
    register long x17 __asm__("a7") = n;
    __asm__ volatile("ecall" : "+r"(x10), "+r"(x11) : "r"(x12), "r"(x17) : "memory");
    if (r1)
        *r1 = x11;
    return x10;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n > 0) {
        long r = zkvm_ecall3(SYS_WRITE, fd, (long)p, (long)n, 0);
        if (r <= 0)
            return -1;
        p += r;
        n -= (size_t)r;
    }
    return 0;
}

static const uint8_t *input_ptr;
static size_t input_size;
static int input_known;

void read_input(const uint8_t **buf, size_t *size)
{
    if (!input_known) {
        long size_reg = 0;
        long r = zkvm_ecall3(SYS_ZKVM_INPUT, 0, 0, 0, &size_reg);
        if (r < 0 && r >= -4095) { /* -errno: not our zkVM (e.g. qemu-user): no input */
            static const uint8_t empty[1];
            input_ptr = empty;
            input_size = 0;
        } else {
            input_ptr = (const uint8_t *)r;
            input_size = (size_t)size_reg;
        }
        input_known = 1;
    }
    *buf = input_ptr;
    *size = input_size;
}

static size_t committed;

void write_output(const uint8_t *out, size_t size)
{
    /* One COMMIT per byte, indices 0, 1, 2, ... across calls; qemu-user answers -ENOSYS: ignored. */
    for (size_t i = 0; i < size; i++)
        (void)zkvm_ecall3(SYS_ZKVM_COMMIT, (long)committed++, out[i], 0, 0);
    if (write_all(1, out, size) != 0)
        abort();
}

_Noreturn void zkvm_exit(int code)
{
    for (;;)
        zkvm_ecall3(SYS_EXIT, code, 0, 0, 0);
}

_Noreturn void abort(void)
{
    zkvm_exit(ZKVM_EXIT_ABORT);
}

void zkvm_debug_print(const char *text, size_t len)
{
    (void)write_all(2, (const uint8_t *)text, len);
}

void zkvm_region_begin(const char *name)
{
    (void)zkvm_ecall3(SYS_ZKVM_REGION_BEGIN, (long)name, 0, 0, 0);
}

void zkvm_region_end(const char *name)
{
    (void)zkvm_ecall3(SYS_ZKVM_REGION_END, (long)name, 0, 0, 0);
}
