/* Host (x86-64) implementation of native/guest/runtime/zkvm.h, so the same guest sources run and are
 * debugged natively. The libc subset (memcpy, malloc, ...) is the host libc's; abort() is libc's too.
 * IO: host_load_input() sets the buffer read_input returns; write_output appends to a buffer that
 * zkvm_exit prints as one hex line on stdout before exiting with the guest's code. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host_runtime.h"
#include "../runtime/zkvm.h"

static const uint8_t *input_buf;
static size_t input_len;
static uint8_t *output_buf;
static size_t output_len, output_cap;

void host_set_input(const uint8_t *buf, size_t len)
{
    input_buf = buf;
    input_len = len;
}

void read_input(const uint8_t **buf, size_t *size)
{
    *buf = input_buf;
    *size = input_len;
}

void write_output(const uint8_t *out, size_t size)
{
    if (output_len + size > output_cap) {
        size_t cap = output_cap ? output_cap * 2 : 64;
        while (cap < output_len + size)
            cap *= 2;
        uint8_t *p = realloc(output_buf, cap);
        if (p == NULL) {
            fputs("host runtime: out of memory\n", stderr);
            exit(ZKVM_EXIT_ABORT);
        }
        output_buf = p;
        output_cap = cap;
    }
    if (size)
        memcpy(output_buf + output_len, out, size);
    output_len += size;
}

const uint8_t *host_output(size_t *len)
{
    *len = output_len;
    return output_buf;
}

void host_reset_output(void)
{
    output_len = 0;
}

static int exit_hooked;
static jmp_buf *exit_jump;
static int exit_code;

void host_catch_exit(jmp_buf *jump)
{
    exit_jump = jump;
    exit_hooked = jump != NULL;
}

int host_last_exit_code(void)
{
    return exit_code;
}

_Noreturn void zkvm_exit(int code)
{
    if (exit_hooked) {
        exit_code = code;
        longjmp(*exit_jump, 1);
    }
    for (size_t i = 0; i < output_len; i++)
        printf("%02x", output_buf[i]);
    printf("\n");
    fflush(stdout);
    exit(code);
}

static int debug_quiet;

void host_set_debug_quiet(int quiet)
{
    debug_quiet = quiet;
}

void zkvm_debug_print(const char *text, size_t len)
{
    if (!debug_quiet)
        fwrite(text, 1, len, stderr);
}

void zkvm_region_begin(const char *name)
{
    (void)name;
}

void zkvm_region_end(const char *name)
{
    (void)name;
}
