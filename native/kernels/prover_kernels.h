/* The one macro header that lets every kernel in native/kernels compile both as CUDA (NVRTC) and as
 * OpenCL C 1.2. Kernels use only: KERNEL, DEVICE_FN, GLOBAL, LOCAL (a work-group array), LOCAL_PTR
 * (a parameter pointing into one), uint32/uint64, GLOBAL_ID(), LOCAL_ID(), GROUP_ID(), LOCAL_SIZE(), MULHI and
 * BARRIER(); everything else is the common C subset (no pointers to pointers, no recursion, no
 * library calls). Field parameters (FIELD_P, FIELD_MU, ...) are #defines prepended by the host. */
#ifndef PROVER_KERNELS_H
#define PROVER_KERNELS_H

#if defined(__CUDACC_RTC__) || defined(__CUDACC__)
typedef unsigned int uint32;
typedef unsigned long long uint64;
#define KERNEL extern "C" __global__
#define DEVICE_FN static __device__ __forceinline__
#define GLOBAL
#define LOCAL __shared__
#define LOCAL_PTR /* CUDA pointers are generic */
#define GLOBAL_ID() (blockIdx.x * blockDim.x + threadIdx.x)
#define LOCAL_ID() (threadIdx.x)
#define GROUP_ID() (blockIdx.x)
#define LOCAL_SIZE() (blockDim.x)
#define BARRIER() __syncthreads()
#define MULHI(a, b) __umulhi((a), (b))
#else
typedef uint uint32;
typedef ulong uint64;
#define KERNEL __kernel
#define DEVICE_FN static inline
#define GLOBAL __global
#define LOCAL __local
#define LOCAL_PTR __local
#define GLOBAL_ID() ((uint32)get_global_id(0))
#define LOCAL_ID() ((uint32)get_local_id(0))
#define GROUP_ID() ((uint32)get_group_id(0))
#define LOCAL_SIZE() ((uint32)get_local_size(0))
#define BARRIER() barrier(CLK_LOCAL_MEM_FENCE)
#define MULHI(a, b) mul_hi((uint32)(a), (uint32)(b))
#endif

#endif
