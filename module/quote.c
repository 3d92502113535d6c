// SPDX-License-Identifier: GPL-2.0
/* The TCP segment an ICMP or ICMPv6 error quotes; see quote.h. */
#include "quote.h"

#define TCPHS_ICMP_HDR		8
#define TCPHS_ICMP_CHECK	2

/* RFC 792: the errors that quote a packet (Source Quench is gone). */
#define TCPHS_ICMP_DEST_UNREACH		3
#define TCPHS_ICMP_TIME_EXCEEDED	11
#define TCPHS_ICMP_PARAMETERPROB	12
/* RFC 4443 3: its error messages, types 1 to 4. */
#define TCPHS_ICMPV6_DEST_UNREACH	1
#define TCPHS_ICMPV6_PARAMPROB		4

#define TCPHS_IP_PROTO_TCP	6
#define TCPHS_IPV4_MIN		20
#define TCPHS_IPV4_FRAG_OFF	0x1fff
#define TCPHS_IPV6_HDR		40
#define TCPHS_IPV6_FRAG_OFF	0xfff8

/* IPv6 extension headers (RFC 8200 4, RFC 4302) a quote may carry. */
#define TCPHS_IPV6_HOPOPTS	0
#define TCPHS_IPV6_ROUTING	43
#define TCPHS_IPV6_FRAGMENT	44
#define TCPHS_IPV6_AUTH		51
#define TCPHS_IPV6_DSTOPTS	60

/* The TCP header's fields (RFC 9293 3.1) an error's handler reads. */
#define TCPHS_QTH_SEQ		4
#define TCPHS_QTH_ACK		8
#define TCPHS_QTH_FLAGS		13
#define TCPHS_QTH_CHECK		16
#define TCPHS_QTH_MIN		20
#define TCPHS_QTH_ACKED		0x10

static void tcphs_quote_set16(u8 *p, u16 v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/* RFC 1624 eqn. 3, on the check field at @check. */
static void tcphs_quote_mend(u8 *check, u16 old, u16 new)
{
	u32 sum = (u16)~get_unaligned_be16(check) + (u16)~old + new;

	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	tcphs_quote_set16(check, (u16)~sum);
}

static bool tcphs_quote_is_error(u8 type, u8 family)
{
	if (family == NFPROTO_IPV6)
		return type >= TCPHS_ICMPV6_DEST_UNREACH &&
		       type <= TCPHS_ICMPV6_PARAMPROB;
	return type == TCPHS_ICMP_DEST_UNREACH ||
	       type == TCPHS_ICMP_TIME_EXCEEDED ||
	       type == TCPHS_ICMP_PARAMETERPROB;
}

/* The quoted IPv4 header at @ip: the TCP header's offset from it, or 0. */
static unsigned int tcphs_quote_ipv4(const u8 *ip, unsigned int len,
				     struct tcphs_tuple *tu)
{
	unsigned int ihl;

	if (len < TCPHS_IPV4_MIN || ip[0] >> 4 != 4)
		return 0;
	ihl = (ip[0] & 0xf) * 4;
	/* Only a first fragment holds the TCP header. */
	if (ihl < TCPHS_IPV4_MIN || ihl > len || ip[9] != TCPHS_IP_PROTO_TCP ||
	    (get_unaligned_be16(ip + 6) & TCPHS_IPV4_FRAG_OFF))
		return 0;
	memcpy(&tu->saddr.ip, ip + 12, 4);
	memcpy(&tu->daddr.ip, ip + 16, 4);
	return ihl;
}

/* An extension header's length, or 0 if it is none tcphs walks. */
static unsigned int tcphs_quote_exthdr_len(u8 nexthdr, const u8 *h)
{
	switch (nexthdr) {
	case TCPHS_IPV6_HOPOPTS:
	case TCPHS_IPV6_ROUTING:
	case TCPHS_IPV6_DSTOPTS:
		return (h[1] + 1) * 8;
	case TCPHS_IPV6_FRAGMENT:
		return 8;
	case TCPHS_IPV6_AUTH:
		return (h[1] + 2) * 4;
	default:
		return 0;
	}
}

/* The quoted IPv6 header at @ip: the TCP header's offset from it, or 0. */
static unsigned int tcphs_quote_ipv6(const u8 *ip, unsigned int len,
				     struct tcphs_tuple *tu)
{
	unsigned int off = TCPHS_IPV6_HDR, hlen;
	u8 nexthdr;

	if (len < TCPHS_IPV6_HDR || ip[0] >> 4 != 6)
		return 0;
	nexthdr = ip[6];
	while (nexthdr != TCPHS_IP_PROTO_TCP) {
		if (len - off < 8)
			return 0;
		hlen = tcphs_quote_exthdr_len(nexthdr, ip + off);
		if (!hlen || hlen > len - off)
			return 0;
		if (nexthdr == TCPHS_IPV6_FRAGMENT &&
		    (get_unaligned_be16(ip + off + 2) & TCPHS_IPV6_FRAG_OFF))
			return 0;
		nexthdr = ip[off];
		off += hlen;
	}
	memcpy(tu->saddr.ip6, ip + 8, 16);
	memcpy(tu->daddr.ip6, ip + 24, 16);
	return off;
}

/*
 * The ICMP (@family NFPROTO_IPV4) or ICMPv6 message at @icmp, @len bytes of
 * it: true if it is an error that quotes a TCP segment's ports and
 * sequence number, then found in @q.
 */
bool tcphs_quote_parse(const u8 *icmp, unsigned int len, u8 family,
		       struct tcphs_quote *q)
{
	unsigned int iplen, ihl;
	const u8 *ip = icmp + TCPHS_ICMP_HDR;

	if (len < TCPHS_ICMP_HDR || !tcphs_quote_is_error(icmp[0], family))
		return false;
	memset(q, 0, sizeof(*q));
	iplen = len - TCPHS_ICMP_HDR;
	if (family == NFPROTO_IPV6)
		ihl = tcphs_quote_ipv6(ip, iplen, &q->tu);
	else
		ihl = tcphs_quote_ipv4(ip, iplen, &q->tu);
	if (!ihl || iplen - ihl < TCPHS_QTH_SEQ + 4)
		return false;
	q->tu.family = family;
	memcpy(&q->tu.sport, ip + ihl, 2);
	memcpy(&q->tu.dport, ip + ihl + 2, 2);
	q->thoff = TCPHS_ICMP_HDR + ihl;
	q->tcp_len = iplen - ihl < TCPHS_QTH_MIN ? iplen - ihl : TCPHS_QTH_MIN;
	return true;
}

/* How far into the error tcphs_quote_xlate() may write. */
unsigned int tcphs_quote_end(const struct tcphs_quote *q)
{
	unsigned int end = q->tcp_len < TCPHS_QTH_CHECK + 2 ?
			   q->tcp_len : TCPHS_QTH_CHECK + 2;

	return q->thoff + end;
}

/*
 * One quoted 16-bit word: the error's checksum covers it, and the quoted
 * segment's, where quoted, too. The quoted header starts on an even byte
 * of the error (after 8 bytes and an IP header of 4-byte units), so its
 * words are the error's words.
 */
static void tcphs_quote_word(u8 *icmp, const struct tcphs_quote *q,
			     unsigned int off, u16 new, bool fix_check)
{
	u8 *th = icmp + q->thoff;
	u16 old = get_unaligned_be16(th + off), check;

	tcphs_quote_set16(th + off, new);
	if (fix_check)
		tcphs_quote_mend(icmp + TCPHS_ICMP_CHECK, old, new);
	if (q->tcp_len < TCPHS_QTH_CHECK + 2)
		return;
	check = get_unaligned_be16(th + TCPHS_QTH_CHECK);
	tcphs_quote_mend(th + TCPHS_QTH_CHECK, old, new);
	if (fix_check)
		tcphs_quote_mend(icmp + TCPHS_ICMP_CHECK, check,
				 get_unaligned_be16(th + TCPHS_QTH_CHECK));
}

static void tcphs_quote_add32(u8 *icmp, const struct tcphs_quote *q,
			      unsigned int off, u32 add, bool fix_check)
{
	u32 v = get_unaligned_be32(icmp + q->thoff + off) + add;

	tcphs_quote_word(icmp, q, off, v >> 16, fix_check);
	tcphs_quote_word(icmp, q, off + 2, v & 0xffff, fix_check);
}

/* The acknowledgment number is quoted, and in use or not known not to be. */
static bool tcphs_quote_has_ack(const u8 *icmp, const struct tcphs_quote *q)
{
	if (q->tcp_len < TCPHS_QTH_ACK + 4)
		return false;
	return q->tcp_len <= TCPHS_QTH_FLAGS ||
	       (icmp[q->thoff + TCPHS_QTH_FLAGS] & TCPHS_QTH_ACKED);
}

/*
 * Move the quoted numbers of the error at @icmp, which tcphs_quote_parse()
 * found in @q, by @x; @fix_check: mend the error's checksum (false where it
 * is still to be computed, CHECKSUM_PARTIAL). True if anything moved.
 */
bool tcphs_quote_xlate(u8 *icmp, const struct tcphs_quote *q,
		       const struct tcphs_quote_xlate *x, bool fix_check)
{
	bool moved = false;

	if (x->seq_add) {
		tcphs_quote_add32(icmp, q, TCPHS_QTH_SEQ, x->seq_add,
				  fix_check);
		moved = true;
	}
	if (x->ack_add && tcphs_quote_has_ack(icmp, q)) {
		tcphs_quote_add32(icmp, q, TCPHS_QTH_ACK, x->ack_add,
				  fix_check);
		moved = true;
	}
	return moved;
}
