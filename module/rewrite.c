// SPDX-License-Identifier: GPL-2.0
/* Proxy mode's rewrite engine; see rewrite.h. */
#include "rewrite.h"

#define TCPHS_TH_SEQ		4
#define TCPHS_TH_ACK		8
#define TCPHS_TH_DOFF		12
#define TCPHS_TH_FLAGS		13
#define TCPHS_TH_WINDOW		14
#define TCPHS_TH_CHECK		16
#define TCPHS_TH_MIN		20

#define TCPHS_TH_SYN		0x02
#define TCPHS_TH_ACKED		0x10

#define TCPHS_OPT_EOL		0
#define TCPHS_OPT_NOP		1
#define TCPHS_OPT_SACK		5
#define TCPHS_OPT_TS		8
#define TCPHS_OPT_TS_LEN	10

static u16 tcphs_get16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

static void tcphs_set16(u8 *p, u16 v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), in one's complement. */
static void tcphs_csum_replace(u8 *th, u16 old, u16 new)
{
	u32 sum = (u16)~tcphs_get16(th + TCPHS_TH_CHECK) + (u16)~old + new;

	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	tcphs_set16(th + TCPHS_TH_CHECK, (u16)~sum);
}

/*
 * Add @add to the 32-bit field at @off, and mend the checksum one 16-bit
 * word at a time: an option need not sit on an even byte, so the field
 * may straddle three words.
 */
static void tcphs_add32(u8 *th, unsigned int off, u32 add, bool fix_check)
{
	unsigned int first = off & ~1u, end = (off + 5) & ~1u, w;
	u16 old[3];
	u32 v;

	if (!add)
		return;
	for (w = first; w < end; w += 2)
		old[(w - first) / 2] = tcphs_get16(th + w);
	v = (u32)th[off] << 24 | (u32)th[off + 1] << 16 |
	    (u32)th[off + 2] << 8 | th[off + 3];
	v += add;
	th[off] = v >> 24;
	th[off + 1] = v >> 16;
	th[off + 2] = v >> 8;
	th[off + 3] = v;
	if (!fix_check)
		return;
	for (w = first; w < end; w += 2)
		tcphs_csum_replace(th, old[(w - first) / 2],
				   tcphs_get16(th + w));
}

/* Timestamps and SACK blocks; stops at the first malformed option. */
static void tcphs_rewrite_options(u8 *th, unsigned int end,
				  const struct tcphs_xlate *x, bool fix_check)
{
	unsigned int off = TCPHS_TH_MIN, len, i;

	while (off < end && th[off] != TCPHS_OPT_EOL) {
		if (th[off] == TCPHS_OPT_NOP) {
			off++;
			continue;
		}
		if (end - off < 2 || th[off + 1] < 2 || th[off + 1] > end - off)
			return;
		len = th[off + 1];
		if (th[off] == TCPHS_OPT_TS && len == TCPHS_OPT_TS_LEN) {
			tcphs_add32(th, off + 2, x->tsval_add, fix_check);
			tcphs_add32(th, off + 6, x->tsecr_add, fix_check);
		} else if (th[off] == TCPHS_OPT_SACK) {
			for (i = 2; i + 4 <= len; i += 4)
				tcphs_add32(th, off + i, x->sack_add,
					    fix_check);
		}
		off += len;
	}
}

/*
 * A window field from one shift to another, rounded up: rounded down, a
 * window under 2^to bytes would read as zero and stall its sender. Linux
 * too aligns a window up to its scale (tcp_select_window()).
 */
u16 tcphs_rescale(u16 win, u8 from, u8 to)
{
	u32 bytes = (u32)win << from;
	u32 field = (bytes >> to) + !!(bytes & ((1U << to) - 1));

	return field > U16_MAX ? U16_MAX : field;
}

/*
 * @fix_check: mend th->check; false where the checksum is still to be
 * computed over the whole segment (CHECKSUM_PARTIAL).
 */
bool tcphs_rewrite(u8 *th, unsigned int len, const struct tcphs_xlate *x,
		   bool fix_check)
{
	unsigned int hdr_len;
	u8 flags;
	u16 win;

	if (len < TCPHS_TH_MIN)
		return false;
	hdr_len = (th[TCPHS_TH_DOFF] >> 4) * 4;
	if (hdr_len < TCPHS_TH_MIN || hdr_len > len)
		return false;
	flags = th[TCPHS_TH_FLAGS];
	tcphs_add32(th, TCPHS_TH_SEQ, x->seq_add, fix_check);
	if (flags & TCPHS_TH_ACKED)
		tcphs_add32(th, TCPHS_TH_ACK, x->ack_add, fix_check);
	if (!(flags & TCPHS_TH_SYN) && x->win_from != x->win_to) {
		win = tcphs_get16(th + TCPHS_TH_WINDOW);
		tcphs_set16(th + TCPHS_TH_WINDOW,
			    tcphs_rescale(win, x->win_from, x->win_to));
		if (fix_check)
			tcphs_csum_replace(th, win,
					   tcphs_get16(th + TCPHS_TH_WINDOW));
	}
	tcphs_rewrite_options(th, hdr_len, x, fix_check);
	return true;
}

#ifdef __KERNEL__
#include <linux/skbuff.h>

/*
 * The segment's TCP header, @thoff past the network header: writable
 * first (it may be a clone), then rewritten.
 */
bool tcphs_rewrite_skb(struct sk_buff *skb, unsigned int thoff,
		       unsigned int hdr_len, const struct tcphs_xlate *x)
{
	unsigned int off = skb_network_offset(skb) + thoff;

	if (skb_ensure_writable(skb, off + hdr_len))
		return false;
	return tcphs_rewrite(skb->data + off, hdr_len, x,
			     skb->ip_summed != CHECKSUM_PARTIAL);
}
#endif
