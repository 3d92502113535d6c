/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pure core of tcphs (seq.h, parse.c, fsm.c) includes only this header,
 * so the same source builds into the module, into the KUnit suites and into
 * the userspace fuzzer and micro-benchmark. In the kernel it is the usual
 * headers; in userspace a handful of definitions stand in for them.
 */
#ifndef _TCPHS_COMPAT_H
#define _TCPHS_COMPAT_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/unaligned.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef int s32;

static inline u16 get_unaligned_be16(const void *p)
{
	const u8 *b = p;

	return (u16)(b[0] << 8 | b[1]);
}

static inline u32 get_unaligned_be32(const void *p)
{
	const u8 *b = p;

	return (u32)b[0] << 24 | (u32)b[1] << 16 | (u32)b[2] << 8 | b[3];
}

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define U16_MAX 0xffff
#endif /* __KERNEL__ */

#endif /* _TCPHS_COMPAT_H */
