// SPDX-License-Identifier: GPL-2.0
/* The flow table's hash and compare of a tuple; see tuple.h. */
#include "tuple.h"

/* The raw port values: any fixed order of the endpoints does. */
static int tcphs_port_cmp(__be16 a, __be16 b)
{
	return (int)(__force u16)a - (int)(__force u16)b;
}

/*
 * hsiphash (SipHash-1-3 on 64-bit kernels, which the kernel's siphash.h
 * offers for hash tables: the key is secret, and a flow's hash is never
 * shown) over the lower endpoint's address, the higher's, then both
 * ports: 12 bytes for IPv4, 36 for IPv6 (SipHash's cost grows with every
 * 8 bytes). The message length keeps the families apart. Each family has
 * its own code, with sizes the compiler knows: this is on every
 * segment's path.
 */
static u32 tcphs_tuple_hash4(const hsiphash_key_t *key,
			     const struct tcphs_tuple *tu)
{
	/* Any fixed order of the endpoints does: the raw words compare fast. */
	u32 s = (__force u32)tu->saddr.ip, d = (__force u32)tu->daddr.ip;
	bool swap = s > d || (s == d && tcphs_port_cmp(tu->sport, tu->dport) > 0);
	__be16 ports[2];
	u32 msg[3];

	msg[0] = (__force u32)(swap ? tu->daddr.ip : tu->saddr.ip);
	msg[1] = (__force u32)(swap ? tu->saddr.ip : tu->daddr.ip);
	ports[0] = swap ? tu->dport : tu->sport;
	ports[1] = swap ? tu->sport : tu->dport;
	memcpy(&msg[2], ports, sizeof(ports));
	return hsiphash(msg, sizeof(msg), key);
}

static u32 tcphs_tuple_hash6(const hsiphash_key_t *key,
			     const struct tcphs_tuple *tu)
{
	int c = memcmp(&tu->saddr.ip6, &tu->daddr.ip6, sizeof(tu->saddr.ip6));
	bool swap = c > 0 || (!c && tcphs_port_cmp(tu->sport, tu->dport) > 0);
	__be16 ports[2];
	u32 msg[9];

	memcpy(&msg[0], swap ? &tu->daddr.ip6 : &tu->saddr.ip6, 16);
	memcpy(&msg[4], swap ? &tu->saddr.ip6 : &tu->daddr.ip6, 16);
	ports[0] = swap ? tu->dport : tu->sport;
	ports[1] = swap ? tu->sport : tu->dport;
	memcpy(&msg[8], ports, sizeof(ports));
	return hsiphash(msg, sizeof(msg), key);
}

u32 tcphs_tuple_hash(const hsiphash_key_t *key,
		     const struct tcphs_tuple *tu)
{
	if (tu->family == NFPROTO_IPV6)
		return tcphs_tuple_hash6(key, tu);
	return tcphs_tuple_hash4(key, tu);
}

static bool tcphs_addr_eq(const union nf_inet_addr *a,
			  const union nf_inet_addr *b)
{
	return !memcmp(a, b, sizeof(*a));
}

/* Whether @seg is @flow's tuple, and in which direction it travels. */
bool tcphs_tuple_match(const struct tcphs_tuple *flow,
		       const struct tcphs_tuple *seg, enum tcphs_dir *dir)
{
	if (flow->family != seg->family)
		return false;
	if (flow->sport == seg->sport && flow->dport == seg->dport &&
	    tcphs_addr_eq(&flow->saddr, &seg->saddr) &&
	    tcphs_addr_eq(&flow->daddr, &seg->daddr)) {
		*dir = TCPHS_DIR_ORIG;
		return true;
	}
	if (flow->sport == seg->dport && flow->dport == seg->sport &&
	    tcphs_addr_eq(&flow->saddr, &seg->daddr) &&
	    tcphs_addr_eq(&flow->daddr, &seg->saddr)) {
		*dir = TCPHS_DIR_REPLY;
		return true;
	}
	return false;
}
