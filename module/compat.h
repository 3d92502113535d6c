/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pure core of tcphs (seq.h, parse.c, fsm.c, isn.c, cookie.c, dest.c,
 * tuple.c, rewrite.c, quote.c) includes only this header, so the same
 * source builds into the module, into the KUnit suites and into the
 * userspace fuzzer and micro-benchmark. In the kernel it is the usual headers; in userspace a
 * handful of definitions stand in for them.
 */
#ifndef _TCPHS_COMPAT_H
#define _TCPHS_COMPAT_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include "kcompat.h"
#include <linux/math64.h>
#include <linux/siphash.h>
#include <linux/netfilter.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef int s32;
typedef unsigned short __be16;
typedef unsigned int __be32;
typedef unsigned int __u32;

#define __force
#define div_u64(n, d)	((u64)(n) / (d))

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

/* As include/uapi/linux/netfilter.h has them. */
#define NFPROTO_IPV4	2
#define NFPROTO_IPV6	10

union nf_inet_addr {
	__u32 all[4];
	__be32 ip;
	__be32 ip6[4];
};

/* SipHash-2-4 with a 64-bit result, as lib/siphash.c computes it. */
struct tcphs_siphash_key {
	u64 key[2];
};

#define siphash_key_t struct tcphs_siphash_key

static inline u64 rol64(u64 word, unsigned int shift)
{
	return (word << shift) | (word >> (64 - shift));
}

static inline void tcphs_sipround(u64 v[4])
{
	v[0] += v[1];
	v[1] = rol64(v[1], 13) ^ v[0];
	v[0] = rol64(v[0], 32);
	v[2] += v[3];
	v[3] = rol64(v[3], 16) ^ v[2];
	v[0] += v[3];
	v[3] = rol64(v[3], 21) ^ v[0];
	v[2] += v[1];
	v[1] = rol64(v[1], 17) ^ v[2];
	v[2] = rol64(v[2], 32);
}

/* SipHash-c-d over @data, as lib/siphash.c's rounds and padding have it. */
static inline u64 tcphs_siphash_cd(const void *data, size_t len, u64 k0,
				   u64 k1, unsigned int c, unsigned int d)
{
	const u8 *p = data;
	u64 v[4] = {
		0x736f6d6570736575ULL ^ k0,
		0x646f72616e646f6dULL ^ k1,
		0x6c7967656e657261ULL ^ k0,
		0x7465646279746573ULL ^ k1,
	};
	u64 m, b = (u64)len << 56;
	size_t i, left = len & 7;
	unsigned int r;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&m, p + i, 8);	/* little-endian hosts only */
		v[3] ^= m;
		for (r = 0; r < c; r++)
			tcphs_sipround(v);
		v[0] ^= m;
	}
	while (left--)
		b |= (u64)p[i + left] << (8 * left);
	v[3] ^= b;
	for (r = 0; r < c; r++)
		tcphs_sipround(v);
	v[0] ^= b;
	v[2] ^= 0xff;
	for (r = 0; r < d; r++)
		tcphs_sipround(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

static inline u64 siphash(const void *data, size_t len,
			  const siphash_key_t *key)
{
	return tcphs_siphash_cd(data, len, key->key[0], key->key[1], 2, 4);
}

/*
 * hsiphash() as 64-bit kernels compute it: SipHash-1-3 with a 32-bit
 * result (lib/siphash.c), for hash tables, where SipHash-2-4's strength
 * is not needed.
 */
struct tcphs_hsiphash_key {
	unsigned long key[2];
};

#define hsiphash_key_t struct tcphs_hsiphash_key

static inline u32 hsiphash(const void *data, size_t len,
			   const hsiphash_key_t *key)
{
	return tcphs_siphash_cd(data, len, key->key[0], key->key[1], 1, 3);
}
#endif /* __KERNEL__ */

#endif /* _TCPHS_COMPAT_H */
