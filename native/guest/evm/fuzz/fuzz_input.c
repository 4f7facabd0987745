/* evm-input-fuzz FILE...: the guest's input decoder on arbitrary bytes (docs/design.md, "Fuzzing").
 * For each file: ssz_decode_input, then what the guest does next with a decoded input before executing
 * anything: the new-payload-request root (SSZ hash tree root) and the RLP decoding of every witness header.
 * A rejection (a non-OK ssz_result, header_decode false, or a guest_fail exit) is the documented outcome;
 * a sanitizer report, a signal or any other exit is a finding. One file: run in this process (AFL++ calls it
 * with @@); several files: one forked child per file, "FINDING <file>" printed for each bad one, then
 * "N inputs, A accepted, F findings"; exit 1 if any finding. */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "block.h"
#include "common.h"
#include "host_runtime.h"
#include "ssz.h"

static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        exit(66);
    }
    size_t cap = 1 << 16;
    uint8_t *buf = malloc(cap);
    *len = 0;
    for (;;) {
        if (buf == NULL) {
            fputs("out of memory\n", stderr);
            exit(70);
        }
        *len += fread(buf + *len, 1, cap - *len, f);
        if (*len < cap)
            break;
        cap *= 2;
        buf = realloc(buf, cap);
    }
    fclose(f);
    return buf;
}

/* Exit status of a child whose input decoded (0: rejected as documented). */
#define ACCEPTED 3

/* setjmp lives here, apart from the buffer handling, so that no local is modified after it. */
static __attribute__((noinline)) int decode(const uint8_t *data, size_t len)
{
    jmp_buf jump;
    host_set_debug_quiet(1);
    host_catch_exit(&jump);
    if (setjmp(jump))
        return 0; /* guest_fail: a documented rejection */
    stateless_input in;
    if (ssz_decode_input(data, len, &in) != SSZ_OK)
        return 0;
    uint8_t root[32];
    ssz_new_payload_request_root(&in, root);
    for (size_t i = 0; i < in.header_count; i++) {
        header h;
        (void)header_decode(in.headers[i], &h);
    }
    return ACCEPTED;
}

static int decode_one(const char *path)
{
    size_t len;
    uint8_t *data = read_file(path, &len);
    int r = decode(data, len);
    free(data);
    return r;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE...\n", argv[0]);
        return 64;
    }
    if (argc == 2) {
        (void)decode_one(argv[1]);
        return 0;
    }
    int bad = 0, accepted = 0;
    for (int i = 1; i < argc; i++) {
        fflush(stdout);
        pid_t pid = fork();
        if (pid < 0) {
            perror("fork");
            return 71;
        }
        if (pid == 0)
            _exit(decode_one(argv[i]));
        int status = 0;
        if (waitpid(pid, &status, 0) < 0) {
            perror("waitpid");
            return 71;
        }
        if (WIFEXITED(status) && WEXITSTATUS(status) == ACCEPTED)
            accepted++;
        else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            printf("FINDING %s (%s %d)\n", argv[i], WIFSIGNALED(status) ? "signal" : "exit",
                   WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
            bad++;
        }
    }
    printf("%d inputs, %d accepted, %d findings\n", argc - 1, accepted, bad);
    return bad ? 1 : 0;
}
