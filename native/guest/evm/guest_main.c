/* The guest's top level. */
#include "guest.h"

#include "common.h"

int guest_main(void)
{
    const uint8_t *input;
    size_t len;
    read_input(&input, &len);
    (void)input;
    (void)len;
    guest_fail(GUEST_EXIT_UNIMPLEMENTED, "block validation not implemented yet");
}
