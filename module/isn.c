// SPDX-License-Identifier: GPL-2.0
/* The ISN policies of net.tcphs.isn_policy. */
#include "isn.h"

const char *const tcphs_isn_policy_names[TCPHS_NR_ISN_POLICIES] = {
	[TCPHS_ISN_RANDOM]	= "random",
	[TCPHS_ISN_RFC6528]	= "rfc6528",
	[TCPHS_ISN_COOKIE]	= "cookie",
	[TCPHS_ISN_FIXED]	= "fixed",
};

/*
 * RFC 6528 section 3: ISN = M + F(localip, localport, remoteip, remoteport,
 * secretkey), where M is a timer that ticks every 4 microseconds and F a
 * keyed hash (SipHash here, with a per-namespace key).
 */
u32 tcphs_isn_rfc6528(const siphash_key_t *key, const struct tcphs_ends *ends,
		      u64 now_ns)
{
	return (u32)tcphs_ends_siphash(key, ends, NULL, 0) +
	       (u32)div_u64(now_ns, 4000);
}

u32 tcphs_cookie_period(u64 now_ns)
{
	return (u32)(div_u64(now_ns, 1000000000) >> TCPHS_COOKIE_PERIOD_SHIFT);
}

u32 tcphs_isn(enum tcphs_isn_policy policy, const struct tcphs_isn_in *in)
{
	switch (policy) {
	case TCPHS_ISN_RFC6528:
		return tcphs_isn_rfc6528(in->isn_key, in->ends, in->now_ns);
	case TCPHS_ISN_COOKIE:
		return tcphs_cookie_make(in->cookie_keys, in->ends,
					 in->client_isn,
					 tcphs_cookie_period(in->now_ns),
					 in->opts);
	case TCPHS_ISN_FIXED:
		return TCPHS_ISN_FIXED_VALUE;
	default:
		return in->random;
	}
}
