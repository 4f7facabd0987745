/* Entry code for the zkVM guest (RV64IM, lp64). The loader puts us at _start with RAM zeroed (the
 * emulator; qemu-user zero-fills .bss and the NOLOAD heap/stack too), so no .bss clearing is needed.
 * Sets gp and sp, calls main, and exits with its return value (EF termination: 0 = success). */
    .file "start.S" /* fixed FILE symbol (else the preprocessor's temporary name: not reproducible) */
    .section .text.start, "ax"
    .globl _start
    .type _start, @function
_start:
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop
    la      sp, __stack_top
    call    main
    /* a0 = main's return value */
    call    zkvm_exit
1:  j       1b
    .size _start, . - _start
