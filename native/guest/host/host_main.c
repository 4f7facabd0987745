/* evm-host input.ssz: runs the guest natively; prints the public output as hex and exits with the
 * guest's exit code. GUEST_ENTRY names the entry (guest_main by default; guest_dump_main for the
 * state-dump build evm-host-dump). */
#include <stdio.h>
#include <stdlib.h>

#include "host_runtime.h"
#include "../runtime/zkvm.h"

#ifndef GUEST_ENTRY
#define GUEST_ENTRY guest_main
#endif
int GUEST_ENTRY(void);

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s input.ssz\n", argv[0]);
        return 64;
    }
    FILE *f = fopen(argv[1], "rb");
    if (f == NULL) {
        perror(argv[1]);
        return 66;
    }
    size_t cap = 1 << 16, len = 0;
    uint8_t *buf = malloc(cap);
    for (;;) {
        if (buf == NULL) {
            fputs("out of memory\n", stderr);
            return 70;
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (len < cap)
            break;
        cap *= 2;
        buf = realloc(buf, cap);
    }
    fclose(f);
    host_set_input(buf, len);
    zkvm_exit(GUEST_ENTRY());
}
