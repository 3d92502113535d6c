/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TCP header and option parsing over a plain byte buffer (no skb): the
 * hook copies the header out of the skb, the KUnit suite and the fuzzer
 * hand in their own bytes.
 */
#ifndef _TCPHS_PARSE_H
#define _TCPHS_PARSE_H

#include "compat.h"

#define TCPHS_TCP_MIN_HDR	20
#define TCPHS_TCP_MAX_HDR	60
#define TCPHS_MAX_SACK		4	/* 2 + 8 * 4 = 34 bytes fit in 40 */
#define TCPHS_MAX_WSCALE	14	/* RFC 7323 section 2.3 */

/* TCP flag bits, as in byte 13 of the header (RFC 9293 section 3.1). */
#define TCPHS_FIN	0x01
#define TCPHS_SYN	0x02
#define TCPHS_RST	0x04
#define TCPHS_PSH	0x08
#define TCPHS_ACK	0x10
#define TCPHS_URG	0x20
#define TCPHS_ECE	0x40
#define TCPHS_CWR	0x80

/* Which options a segment carried (tcphs_opts.present). */
#define TCPHS_OPT_MSS		0x01
#define TCPHS_OPT_WSCALE	0x02
#define TCPHS_OPT_SACK_PERM	0x04
#define TCPHS_OPT_TS		0x08
#define TCPHS_OPT_SACK		0x10
#define TCPHS_OPT_FASTOPEN	0x20

struct tcphs_sack_block {
	u32 start;
	u32 end;
};

struct tcphs_opts {
	u8 present;
	u8 wscale;		/* clamped to TCPHS_MAX_WSCALE */
	u8 nr_sack;
	u16 mss;
	u32 tsval;
	u32 tsecr;
	struct tcphs_sack_block sack[TCPHS_MAX_SACK];
};

struct tcphs_seg {
	u32 seq;
	u32 ack;
	u16 sport;		/* host order */
	u16 dport;
	u16 window;		/* as on the wire, unscaled */
	u8 flags;		/* TCPHS_FIN ... TCPHS_CWR */
	u8 hdr_len;		/* data offset, in bytes */
	u32 payload_len;
	struct tcphs_opts opt;
};

/* Why a header was refused; 0 is a good header. */
enum tcphs_parse_err {
	TCPHS_PARSE_OK,
	TCPHS_PARSE_SHORT,	/* fewer than 20 bytes of TCP */
	TCPHS_PARSE_DOFF,	/* data offset < 5, or past the segment */
	TCPHS_PARSE_OPT_LEN,	/* option length 0 or 1, or wrong for its kind */
	TCPHS_PARSE_OPT_TRUNC,	/* option runs past the header */
};

enum tcphs_parse_err tcphs_parse_tcp(const u8 *hdr, unsigned int avail,
				     unsigned int seg_len,
				     struct tcphs_seg *seg);

#endif /* _TCPHS_PARSE_H */
