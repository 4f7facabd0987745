/* The RV64 entry: the runtime's start code calls main(); the host build has its own main
 * (native/guest/host/host_main.c) that loads the input file first. */
#include "guest.h"

int main(void)
{
    return guest_main();
}
