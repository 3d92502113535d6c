// SPDX-License-Identifier: GPL-2.0
/*
 * TCP header and option parsing (RFC 9293 section 3.1 and 3.2).
 *
 * The parser reads only the options tcphs acts on and walks past the rest.
 * Its rules for malformed options follow what a careful receiver does: an
 * option of length 0 or 1 would make the walk loop or stall, so it ends the
 * parse as malformed; an option whose length runs past the data offset is
 * truncated; a known option with the wrong length is malformed (RFC 9293
 * section 3.2 lets a receiver treat it so). End-of-list stops the walk.
 */
#include "parse.h"

enum {
	TCPOPT_KIND_EOL = 0,
	TCPOPT_KIND_NOP = 1,
	TCPOPT_KIND_MSS = 2,		/* RFC 9293 */
	TCPOPT_KIND_WSCALE = 3,		/* RFC 7323 */
	TCPOPT_KIND_SACK_PERM = 4,	/* RFC 2018 */
	TCPOPT_KIND_SACK = 5,		/* RFC 2018 */
	TCPOPT_KIND_TS = 8,		/* RFC 7323 */
	TCPOPT_KIND_FASTOPEN = 34,	/* RFC 7413 */
	TCPOPT_KIND_EXP = 254,		/* RFC 6994 shared experimental */
};

#define TCPOPT_EXP_FASTOPEN_MAGIC	0xf989	/* pre-RFC 7413 Fast Open */

static bool tcphs_opt_sack(struct tcphs_opts *opt, const u8 *p, u8 len)
{
	unsigned int i, n;

	if (len < 10 || (len - 2) % 8)
		return false;
	n = (len - 2) / 8;
	for (i = 0; i < n; i++) {
		opt->sack[i].start = get_unaligned_be32(p + 2 + 8 * i);
		opt->sack[i].end = get_unaligned_be32(p + 6 + 8 * i);
	}
	opt->nr_sack = n;
	opt->present |= TCPHS_OPT_SACK;
	return true;
}

/* One option of length len (>= 2, within the header); false if malformed. */
static bool tcphs_opt_one(struct tcphs_opts *opt, const u8 *p, u8 len)
{
	switch (p[0]) {
	case TCPOPT_KIND_MSS:
		if (len != 4)
			return false;
		opt->mss = get_unaligned_be16(p + 2);
		opt->present |= TCPHS_OPT_MSS;
		return true;
	case TCPOPT_KIND_WSCALE:
		if (len != 3)
			return false;
		opt->wscale = p[2] < TCPHS_MAX_WSCALE ? p[2] : TCPHS_MAX_WSCALE;
		opt->present |= TCPHS_OPT_WSCALE;
		return true;
	case TCPOPT_KIND_SACK_PERM:
		if (len != 2)
			return false;
		opt->present |= TCPHS_OPT_SACK_PERM;
		return true;
	case TCPOPT_KIND_SACK:
		return tcphs_opt_sack(opt, p, len);
	case TCPOPT_KIND_TS:
		if (len != 10)
			return false;
		opt->tsval = get_unaligned_be32(p + 2);
		opt->tsecr = get_unaligned_be32(p + 6);
		opt->present |= TCPHS_OPT_TS;
		return true;
	case TCPOPT_KIND_FASTOPEN:
		opt->present |= TCPHS_OPT_FASTOPEN;
		return true;
	case TCPOPT_KIND_EXP:
		if (len >= 4 &&
		    get_unaligned_be16(p + 2) == TCPOPT_EXP_FASTOPEN_MAGIC)
			opt->present |= TCPHS_OPT_FASTOPEN;
		return true;
	default:
		return true;	/* unknown kinds are skipped by length */
	}
}

/* NOP, NOP, timestamps: the options of nearly every segment past the SYN. */
#define TCPHS_OPT_ALIGNED_TS	0x0101080aU	/* RFC 7323 appendix A */

static enum tcphs_parse_err tcphs_parse_opts(struct tcphs_opts *opt,
					     const u8 *p, unsigned int len)
{
	unsigned int off = 0;

	if (len == 12 && get_unaligned_be32(p) == TCPHS_OPT_ALIGNED_TS) {
		opt->tsval = get_unaligned_be32(p + 4);
		opt->tsecr = get_unaligned_be32(p + 8);
		opt->present = TCPHS_OPT_TS;
		return TCPHS_PARSE_OK;
	}
	while (off < len) {
		u8 kind = p[off], olen;

		if (kind == TCPOPT_KIND_EOL)
			break;
		if (kind == TCPOPT_KIND_NOP) {
			off++;
			continue;
		}
		if (off + 1 >= len)
			return TCPHS_PARSE_OPT_TRUNC;
		olen = p[off + 1];
		if (olen < 2)
			return TCPHS_PARSE_OPT_LEN;
		if (olen > len - off)
			return TCPHS_PARSE_OPT_TRUNC;
		if (!tcphs_opt_one(opt, p + off, olen))
			return TCPHS_PARSE_OPT_LEN;
		off += olen;
	}
	return TCPHS_PARSE_OK;
}

/**
 * tcphs_parse_tcp() - parse a TCP header and its options
 * @hdr: the first bytes of the TCP header
 * @avail: how many bytes @hdr holds (at most 60 are ever read)
 * @seg_len: length of the whole TCP segment, header and payload
 * @seg: filled in, also on error as far as the parse got
 *
 * Return: TCPHS_PARSE_OK, or why the header is malformed.
 */
enum tcphs_parse_err tcphs_parse_tcp(const u8 *hdr, unsigned int avail,
				     unsigned int seg_len,
				     struct tcphs_seg *seg)
{
	unsigned int hdr_len;

	memset(seg, 0, sizeof(*seg));
	if (avail > seg_len)
		avail = seg_len;
	if (avail < TCPHS_TCP_MIN_HDR)
		return TCPHS_PARSE_SHORT;

	seg->sport = get_unaligned_be16(hdr);
	seg->dport = get_unaligned_be16(hdr + 2);
	seg->seq = get_unaligned_be32(hdr + 4);
	seg->ack = get_unaligned_be32(hdr + 8);
	seg->flags = hdr[13];
	seg->window = get_unaligned_be16(hdr + 14);

	hdr_len = (hdr[12] >> 4) * 4;
	if (hdr_len < TCPHS_TCP_MIN_HDR || hdr_len > avail)
		return TCPHS_PARSE_DOFF;
	seg->hdr_len = hdr_len;
	seg->payload_len = seg_len - hdr_len;

	return tcphs_parse_opts(&seg->opt, hdr + TCPHS_TCP_MIN_HDR,
				hdr_len - TCPHS_TCP_MIN_HDR);
}
