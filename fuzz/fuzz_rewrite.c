// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: proxy mode's rewrite engine, from the very source file
 * the module builds (module/rewrite.c).
 *
 * The input is CTL_LEN bytes of amounts and controls, then up to 60 bytes
 * of TCP header, any bytes at all (more are ignored):
 *
 *   [0, 20)  seq, ack, SACK, TSval and TSecr amounts (host order)
 *   20, 21   the window's shifts, modulo 15: the module's are 0..14
 *            (parse.c clamps a peer's wscale to RFC 7323's 14)
 *   22       bit 0: mend the checksum; bit 1: the shifts are equal
 *   23, 24   a window for tcphs_rescale() alone
 *
 * What must hold whatever the bytes are: tcphs_rewrite() reads and writes
 * only [th, th + len) (the header is an exact-size allocation, for ASan);
 * it refuses exactly what does not hold a header and then changes nothing;
 * it changes no byte past the data offset, nor ports, data offset, flags
 * or urgent pointer; seq, ack and window are what RFC 9293 and 7323 make
 * them; with the checksum mended, the one's complement sum of the bytes is
 * what it was (0 and 0xffff being the same); and the rewrite by the negated
 * amounts and swapped shifts gives the bytes back.
 */
#include <assert.h>
#include <stdlib.h>

#include "rewrite.c"

#define CTL_LEN		25
#define MAX_HDR		60
#define PSEUDO_SUM	0x0001c0deu	/* any fixed pseudo-header sum */

static u32 get32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static u16 get16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

/*
 * The one's complement sum of PSEUDO_SUM and the @len bytes at @p as
 * 16-bit big-endian words (an odd last byte padded with 0), modulo 0xffff:
 * 0xffff is 0.
 */
static u16 ones_sum(const u8 *p, size_t len)
{
	unsigned long long sum = PSEUDO_SUM;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += get16(p + i);
	if (len & 1)
		sum += (u16)(p[len - 1] << 8);
	return sum % 0xffff;
}

/* RFC 7323 2.3, rounded up, at most 65535: told apart from rewrite.c. */
static void check_rescale(u16 win, u8 from, u8 to)
{
	unsigned long long bytes = (unsigned long long)win << from;
	unsigned long long want = (bytes + (1ULL << to) - 1) >> to;

	assert(tcphs_rescale(win, from, to) ==
	       (want > U16_MAX ? U16_MAX : want));
}

/* The bytes tcphs_rewrite() must leave as they are, where it took them. */
static void check_fixed(const u8 *th, const u8 *orig, size_t len,
			unsigned int hdr_len)
{
	assert(!memcmp(th, orig, 4));			/* ports */
	assert(!memcmp(th + 12, orig + 12, 2));		/* doff, flags */
	assert(!memcmp(th + 18, orig + 18, 2));		/* urgent pointer */
	assert(!memcmp(th + hdr_len, orig + hdr_len, len - hdr_len));
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct tcphs_xlate x, inv;
	unsigned int hdr_len;
	bool fix, ok, want;
	u8 *th, *orig;
	size_t len;
	u8 flags;

	if (size < CTL_LEN)
		return 0;
	memcpy(&x.seq_add, data, 4);
	memcpy(&x.ack_add, data + 4, 4);
	memcpy(&x.sack_add, data + 8, 4);
	memcpy(&x.tsval_add, data + 12, 4);
	memcpy(&x.tsecr_add, data + 16, 4);
	x.win_from = data[20] % 15;
	x.win_to = data[22] & 2 ? x.win_from : data[21] % 15;
	fix = data[22] & 1;
	check_rescale(get16(data + 23), x.win_from, x.win_to);
	inv = (struct tcphs_xlate){
		.seq_add = -x.seq_add, .ack_add = -x.ack_add,
		.sack_add = -x.sack_add, .tsval_add = -x.tsval_add,
		.tsecr_add = -x.tsecr_add,
		.win_from = x.win_to, .win_to = x.win_from,
	};
	data += CTL_LEN;
	size -= CTL_LEN;
	len = size > MAX_HDR ? MAX_HDR : size;

	th = malloc(len);
	orig = malloc(len ? len : 1);
	assert(th && orig);
	memcpy(th, data, len);
	memcpy(orig, data, len);

	hdr_len = len > 12 ? (data[12] >> 4) * 4 : 0;
	want = len >= 20 && hdr_len >= 20 && hdr_len <= len;
	ok = tcphs_rewrite(th, len, &x, fix);
	assert(ok == want);
	if (!ok) {
		assert(!memcmp(th, orig, len));
		goto out;
	}
	flags = orig[13];
	check_fixed(th, orig, len, hdr_len);
	assert(get32(th + 4) == get32(orig + 4) + x.seq_add);
	assert(get32(th + 8) == get32(orig + 8) +
	       (flags & 0x10 ? x.ack_add : 0));
	assert(get16(th + 14) == (flags & 0x02 ? get16(orig + 14) :
				  tcphs_rescale(get16(orig + 14), x.win_from,
						x.win_to)));
	if (fix)
		assert(ones_sum(th, len) == ones_sum(orig, len));
	else
		assert(!memcmp(th + 16, orig + 16, 2));

	/* Back: the walk meets the same kinds and lengths, nothing else. */
	assert(tcphs_rewrite(th, len, &inv, fix));
	check_fixed(th, orig, len, hdr_len);
	assert(!memcmp(th + 4, orig + 4, 10));		/* seq, ack */
	assert(!memcmp(th + 20, orig + 20, hdr_len - 20));
	if (fix)
		assert(ones_sum(th, len) == ones_sum(orig, len));
	else
		assert(!memcmp(th + 16, orig + 16, 2));
	/*
	 * Where no window changed, the check field too: each mend keeps it
	 * in [0, 0xfffe] if it was there, and there it is the one value of
	 * its residue. Only a 0xffff may come back as 0.
	 */
	if ((flags & 0x02) || x.win_from == x.win_to) {
		assert(!memcmp(th + 14, orig + 14, 2));
		assert(!memcmp(th + 16, orig + 16, 2) ||
		       (get16(orig + 16) == 0xffff && !get16(th + 16)));
	}
out:
	free(orig);
	free(th);
	return 0;
}
