/* abort: writes some output, then aborts (exit code ZKVM_EXIT_ABORT = 134, a failed execution). */
#include "zkvm.h"

int main(void)
{
    static const char msg[] = "about to abort\n";
    write_output((const uint8_t *)msg, sizeof msg - 1);
    abort();
}
