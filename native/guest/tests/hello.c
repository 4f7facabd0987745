/* hello: public output "hello, zkvm\n" followed by the input (if any), a debug line, a region. */
#include "zkvm.h"

int main(void)
{
    static const char msg[] = "hello, zkvm\n";
    static const char dbg[] = "debug: hello from the guest\n";
    zkvm_region_begin("hello");
    write_output((const uint8_t *)msg, sizeof msg - 1);
    zkvm_debug_print(dbg, sizeof dbg - 1);
    const uint8_t *in;
    size_t n;
    read_input(&in, &n);
    write_output(in, n);
    zkvm_region_end("hello");
    return 0;
}
