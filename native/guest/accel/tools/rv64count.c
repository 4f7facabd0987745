/* rv64count: a minimal RV64IM user-level interpreter that counts retired instructions, used only
 * to measure the accelerator library's cost per call (docs/benchmarks.md) until the project's own
 * emulator (branch `machine`) can do it. Loads a static little-endian ELF64, runs from its entry
 * with sp at the top of a flat memory, and implements four ecalls (a7):
 *   93 exit(a0)   64 write(a0 = fd, a1 = buf, a2 = len)
 *   0x100 region_begin(a0 = id)   0x101 region_end(a0 = id): prints "region <id> <instructions>"
 * With RV64COUNT_PROFILE=<file> set, the instruction count per PC (non-zero entries) is written to
 * <file> at exit ("pc count" lines; tools/profile_report.py aggregates them per function).
 * Every instruction counts 1 (the zkVM cost model: one row per instruction). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MEM_SIZE (512u << 20)
static uint8_t *mem;
static uint64_t x[32], pc, icount;
static uint64_t region_start[64];
static uint32_t *prof; /* per 4-byte PC slot, for the first 16 MiB of the address space */
#define PROF_SLOTS (4u << 20)

static void dump_profile(void)
{
    const char *path = getenv("RV64COUNT_PROFILE");
    if (!path || !prof)
        return;
    FILE *f = fopen(path, "w");
    if (!f)
        return;
    for (uint32_t i = 0; i < PROF_SLOTS; i++)
        if (prof[i])
            fprintf(f, "%x %u\n", i * 4, prof[i]);
    fclose(f);
}

static void fail(const char *msg)
{
    fprintf(stderr, "rv64count: %s at pc %#llx after %llu instructions\n", msg, (unsigned long long)pc,
            (unsigned long long)icount);
    exit(2);
}

static uint8_t *at(uint64_t addr, uint64_t n)
{
    if (addr >= MEM_SIZE || n > MEM_SIZE - addr)
        fail("memory access out of range");
    return mem + addr;
}

static uint64_t ld(uint64_t a, int n)
{
    uint64_t v = 0;
    memcpy(&v, at(a, (uint64_t)n), (size_t)n);
    return v;
}

static void st(uint64_t a, uint64_t v, int n)
{
    memcpy(at(a, (uint64_t)n), &v, (size_t)n);
}

static int64_t sext(uint64_t v, int bits)
{
    return (int64_t)(v << (64 - bits)) >> (64 - bits);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: rv64count program.elf\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f)
        fail("cannot open ELF");
    static uint8_t elf[16 << 20];
    size_t n = fread(elf, 1, sizeof elf, f);
    fclose(f);
    if (n < 64 || memcmp(elf, "\177ELF", 4) != 0 || elf[4] != 2 || elf[18] != 243)
        fail("not an RV64 ELF");
    mem = calloc(1, MEM_SIZE);
    uint64_t phoff, entry;
    memcpy(&entry, elf + 24, 8);
    memcpy(&phoff, elf + 32, 8);
    uint16_t phentsize, phnum;
    memcpy(&phentsize, elf + 54, 2);
    memcpy(&phnum, elf + 56, 2);
    for (int i = 0; i < phnum; i++) {
        const uint8_t *ph = elf + phoff + (uint64_t)i * phentsize;
        uint32_t type;
        uint64_t off, vaddr, filesz, memsz;
        memcpy(&type, ph, 4);
        memcpy(&off, ph + 8, 8);
        memcpy(&vaddr, ph + 16, 8);
        memcpy(&filesz, ph + 32, 8);
        memcpy(&memsz, ph + 40, 8);
        if (type != 1)
            continue;
        if (off + filesz > n)
            fail("segment outside the file");
        memcpy(at(vaddr, memsz), elf + off, filesz);
    }
    if (getenv("RV64COUNT_PROFILE"))
        prof = calloc(PROF_SLOTS, sizeof *prof);
    pc = entry;
    x[2] = MEM_SIZE - 4096;
    for (;;) {
        uint32_t in = (uint32_t)ld(pc, 4);
        icount++;
        if (prof && pc / 4 < PROF_SLOTS)
            prof[pc / 4]++;
        uint32_t op = in & 0x7f, rd = (in >> 7) & 31, f3 = (in >> 12) & 7, rs1 = (in >> 15) & 31,
                 rs2 = (in >> 20) & 31, f7 = in >> 25;
        uint64_t a = x[rs1], b = x[rs2], next = pc + 4, v = 0;
        int64_t imm_i = sext(in >> 20, 12);
        int64_t imm_s = sext(((in >> 25) << 5) | ((in >> 7) & 31), 12);
        int64_t imm_b = sext(((in >> 31) << 12) | (((in >> 7) & 1) << 11) | (((in >> 25) & 63) << 5) | (((in >> 8) & 15) << 1), 13);
        int64_t imm_j = sext(((in >> 31) << 20) | (((in >> 12) & 255) << 12) | (((in >> 20) & 1) << 11) | (((in >> 21) & 1023) << 1), 21);
        bool write = true;
        switch (op) {
        case 0x37: v = (uint64_t)sext(in & 0xfffff000u, 32); break;
        case 0x17: v = pc + (uint64_t)sext(in & 0xfffff000u, 32); break;
        case 0x6f: v = next; next = pc + (uint64_t)imm_j; break;
        case 0x67: v = next; next = (a + (uint64_t)imm_i) & ~(uint64_t)1; break;
        case 0x63: {
            bool t;
            switch (f3) {
            case 0: t = a == b; break;
            case 1: t = a != b; break;
            case 4: t = (int64_t)a < (int64_t)b; break;
            case 5: t = (int64_t)a >= (int64_t)b; break;
            case 6: t = a < b; break;
            case 7: t = a >= b; break;
            default: fail("bad branch");
            }
            if (t)
                next = pc + (uint64_t)imm_b;
            write = false;
            break;
        }
        case 0x03: {
            uint64_t ad = a + (uint64_t)imm_i;
            switch (f3) {
            case 0: v = (uint64_t)sext(ld(ad, 1), 8); break;
            case 1: v = (uint64_t)sext(ld(ad, 2), 16); break;
            case 2: v = (uint64_t)sext(ld(ad, 4), 32); break;
            case 3: v = ld(ad, 8); break;
            case 4: v = ld(ad, 1); break;
            case 5: v = ld(ad, 2); break;
            case 6: v = ld(ad, 4); break;
            default: fail("bad load");
            }
            break;
        }
        case 0x23: st(a + (uint64_t)imm_s, b, 1 << f3); write = false; break;
        case 0x13: {
            unsigned sh = (in >> 20) & 63;
            switch (f3) {
            case 0: v = a + (uint64_t)imm_i; break;
            case 1: v = a << sh; break;
            case 2: v = (int64_t)a < imm_i; break;
            case 3: v = a < (uint64_t)imm_i; break;
            case 4: v = a ^ (uint64_t)imm_i; break;
            case 5: v = (in >> 30) & 1 ? (uint64_t)((int64_t)a >> sh) : a >> sh; break;
            case 6: v = a | (uint64_t)imm_i; break;
            case 7: v = a & (uint64_t)imm_i; break;
            }
            break;
        }
        case 0x1b: {
            unsigned sh = (in >> 20) & 31;
            uint32_t w = (uint32_t)a;
            switch (f3) {
            case 0: v = (uint64_t)sext((uint32_t)(w + (uint32_t)imm_i), 32); break;
            case 1: v = (uint64_t)sext((uint32_t)(w << sh), 32); break;
            case 5: v = (uint64_t)sext((in >> 30) & 1 ? (uint32_t)((int32_t)w >> sh) : w >> sh, 32); break;
            default: fail("bad op-imm-32");
            }
            break;
        }
        case 0x33:
            if (f7 == 1) {
                unsigned __int128 u;
                __int128 s;
                switch (f3) {
                case 0: v = a * b; break;
                case 1: s = (__int128)(int64_t)a * (int64_t)b; v = (uint64_t)(s >> 64); break;
                case 2: s = (__int128)(int64_t)a * (__int128)(unsigned __int128)b; v = (uint64_t)(s >> 64); break;
                case 3: u = (unsigned __int128)a * b; v = (uint64_t)(u >> 64); break;
                case 4: v = b == 0 ? ~0ull : ((int64_t)a == INT64_MIN && (int64_t)b == -1) ? a : (uint64_t)((int64_t)a / (int64_t)b); break;
                case 5: v = b == 0 ? ~0ull : a / b; break;
                case 6: v = b == 0 ? a : ((int64_t)a == INT64_MIN && (int64_t)b == -1) ? 0 : (uint64_t)((int64_t)a % (int64_t)b); break;
                case 7: v = b == 0 ? a : a % b; break;
                }
            } else {
                switch (f3) {
                case 0: v = f7 == 0x20 ? a - b : a + b; break;
                case 1: v = a << (b & 63); break;
                case 2: v = (int64_t)a < (int64_t)b; break;
                case 3: v = a < b; break;
                case 4: v = a ^ b; break;
                case 5: v = f7 == 0x20 ? (uint64_t)((int64_t)a >> (b & 63)) : a >> (b & 63); break;
                case 6: v = a | b; break;
                case 7: v = a & b; break;
                }
            }
            break;
        case 0x3b: {
            uint32_t wa = (uint32_t)a, wb = (uint32_t)b, r32 = 0;
            if (f7 == 1) {
                switch (f3) {
                case 0: r32 = wa * wb; break;
                case 4: r32 = wb == 0 ? ~0u : ((int32_t)wa == INT32_MIN && (int32_t)wb == -1) ? wa : (uint32_t)((int32_t)wa / (int32_t)wb); break;
                case 5: r32 = wb == 0 ? ~0u : wa / wb; break;
                case 6: r32 = wb == 0 ? wa : ((int32_t)wa == INT32_MIN && (int32_t)wb == -1) ? 0 : (uint32_t)((int32_t)wa % (int32_t)wb); break;
                case 7: r32 = wb == 0 ? wa : wa % wb; break;
                default: fail("bad op-32 M");
                }
            } else {
                switch (f3) {
                case 0: r32 = f7 == 0x20 ? wa - wb : wa + wb; break;
                case 1: r32 = wa << (wb & 31); break;
                case 5: r32 = f7 == 0x20 ? (uint32_t)((int32_t)wa >> (wb & 31)) : wa >> (wb & 31); break;
                default: fail("bad op-32");
                }
            }
            v = (uint64_t)sext(r32, 32);
            break;
        }
        case 0x0f: write = false; break; /* fence */
        case 0x73:
            write = false;
            if (in != 0x73)
                fail("unsupported system instruction");
            switch (x[17]) {
            case 93: printf("instructions %llu\n", (unsigned long long)icount); dump_profile(); return (int)x[10];
            case 64: fwrite(at(x[11], x[12]), 1, x[12], x[10] == 2 ? stderr : stdout); x[10] = x[12]; break;
            case 0x100: region_start[x[10] & 63] = icount; break;
            case 0x101: printf("region %llu %llu\n", (unsigned long long)x[10], (unsigned long long)(icount - region_start[x[10] & 63])); break;
            case 0x10010: x[10] = (uint64_t)-38; break; /* KECCAK_PERMUTE: -ENOSYS, so the library counts its plain-C permutation */
            case 0x10030: x[10] = (uint64_t)-38; break; /* SHA256_COMPRESS: -ENOSYS, so the library counts its plain-C compression */
            default: fail("unknown ecall");
            }
            break;
        default: fail("illegal instruction");
        }
        if (write && rd != 0)
            x[rd] = v;
        pc = next;
    }
}
