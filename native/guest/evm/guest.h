#ifndef GUEST_GUEST_H
#define GUEST_GUEST_H
/* The guest's entry: validates the StatelessInput from read_input, writes the 43-byte result, and
 * returns the exit code (common.h). */
int guest_main(void);
#endif
