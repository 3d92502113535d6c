/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where the ISN of a SYN-ACK that tcphs sends comes from (pure: the caller
 * hands in the clock, the random number and the keys).
 */
#ifndef _TCPHS_ISN_H
#define _TCPHS_ISN_H

#include "cookie.h"

enum tcphs_isn_policy {
	TCPHS_ISN_RANDOM,	/* 32 random bits per flow */
	TCPHS_ISN_RFC6528,	/* 4 us clock + SipHash(tuple, key) */
	TCPHS_ISN_COOKIE,	/* every ISN is a SYN cookie */
	TCPHS_ISN_FIXED,	/* TCPHS_ISN_FIXED_VALUE: tests only */
	TCPHS_NR_ISN_POLICIES
};

#define TCPHS_ISN_FIXED_VALUE	0xfffffff0u	/* wraps within 16 bytes */

/* What an ISN may be made of. */
struct tcphs_isn_in {
	const struct tcphs_ends *ends;
	const siphash_key_t *isn_key;
	const struct tcphs_cookie_keys *cookie_keys;
	const struct tcphs_synopts *opts;
	u32 client_isn;
	u64 now_ns;		/* a monotonic clock */
	u32 random;		/* fresh random bits */
};

u32 tcphs_isn_rfc6528(const siphash_key_t *key, const struct tcphs_ends *ends,
		      u64 now_ns);
u32 tcphs_isn(enum tcphs_isn_policy policy, const struct tcphs_isn_in *in);
u32 tcphs_cookie_period(u64 now_ns);

extern const char *const tcphs_isn_policy_names[TCPHS_NR_ISN_POLICIES];

#endif /* _TCPHS_ISN_H */
