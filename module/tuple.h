/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A flow's addresses and ports, and the flow table's hash and compare of
 * them (pure: no skb, no locks), so that the module, KUnit and the
 * micro-benchmark hash and match alike.
 *
 * Both directions of a flow hash alike: the key is the two endpoints in a
 * fixed order (the lower address and port first), so one lookup finds the
 * flow whichever way a segment travels. It is SipHash with the table's own
 * secret, so a remote sender cannot aim its SYNs at one bucket.
 */
#ifndef _TCPHS_TUPLE_H
#define _TCPHS_TUPLE_H

#include "compat.h"
#include "fsm.h"

/* The addresses and ports of a flow, in the direction of its first SYN. */
struct tcphs_tuple {
	union nf_inet_addr saddr;
	union nf_inet_addr daddr;
	__be16 sport;
	__be16 dport;
	u8 family;		/* NFPROTO_IPV4 or NFPROTO_IPV6 */
};

u32 tcphs_tuple_hash(const hsiphash_key_t *key,
		     const struct tcphs_tuple *tu);
bool tcphs_tuple_match(const struct tcphs_tuple *flow,
		       const struct tcphs_tuple *seg, enum tcphs_dir *dir);

#endif /* _TCPHS_TUPLE_H */
