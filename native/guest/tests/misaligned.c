/* misaligned: loads and stores of 2, 4 and 8 bytes at every offset 0..7 (Zicclsm: they must work;
 * the emulator counts them). Outputs a checksum of the loads and the final buffer. */
#include "common.h"

static uint8_t buf[64] __attribute__((aligned(8)));

int main(void)
{
    for (int i = 0; i < 64; i++)
        buf[i] = (uint8_t)(0xA5 ^ (i * 37));
    uint64_t sum = 0;
    for (int off = 0; off < 8; off++) {
        volatile uint16_t *p16 = (volatile uint16_t *)(buf + off);
        volatile uint32_t *p32 = (volatile uint32_t *)(buf + 8 + off);
        volatile uint64_t *p64 = (volatile uint64_t *)(buf + 16 + off);
        volatile int16_t *s16 = (volatile int16_t *)(buf + 32 + off);
        volatile int32_t *s32 = (volatile int32_t *)(buf + 40 + off);
        sum = sum * 31 + *p16;
        sum = sum * 31 + *p32;
        sum = sum * 31 + *p64;
        sum = sum * 31 + (uint64_t)(int64_t)*s16;
        sum = sum * 31 + (uint64_t)(int64_t)*s32;
        *p16 = (uint16_t)(sum ^ 0x1234);
        *p32 = (uint32_t)(sum >> 7);
        *p64 = sum * 0x9E3779B97F4A7C15ULL;
    }
    write_u64(sum);
    write_output(buf, sizeof buf);
    return 0;
}
