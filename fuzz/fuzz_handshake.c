// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the parser, the state machine and its window tracking,
 * from the very source files the module builds (module/parse.c,
 * module/fsm.c, module/window.c).
 *
 * The input is a sequence of records: one control byte (bit 0: direction,
 * bit 1: the segment is dropped, as enforce mode would), a length byte, and
 * that many bytes of TCP header and payload. Each record is parsed; a good
 * header is stepped through one flow's state machine and, unless dropped,
 * committed. Invariants that must hold whatever the bytes are asserted.
 *
 * The first bytes also make a SYN cookie (module/cookie.c): whatever the
 * tuple, ISN, period and options, it must check in its period and the
 * next, not with a bit of its MAC flipped, and give back options that make
 * the same cookie again. (A flipped low bit or another period changes the
 * message: it fails but for a 2^-24 chance, too often for millions of
 * runs; KUnit checks those on fixed inputs.)
 */
#include <assert.h>
#include <stdlib.h>

#include "parse.c"
#include "fsm.c"
#include "window.c"
#include "cookie.c"

/* What fuzz_cookie() reads: the ends, ISN, period, MSS, wscale, flags. */
#define COOKIE_INPUT	(32 + 4 + 4 + 4 + 2 + 1 + 1)

static void fuzz_cookie(const u8 *d)
{
	struct tcphs_cookie_keys keys = {
		.cur = { { 0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL } },
	};
	struct tcphs_ends ends = {};
	struct tcphs_synopts in, out = {}, again;
	u32 isn, period, cookie;
	unsigned int bit;

	memcpy(ends.saddr, d, 16);
	memcpy(ends.daddr, d + 16, 16);
	memcpy(&ends.sport, d + 32, 2);
	memcpy(&ends.dport, d + 34, 2);
	memcpy(&isn, d + 36, 4);
	memcpy(&period, d + 40, 4);
	memcpy(&in.mss, d + 44, 2);
	in.wscale = d[46];
	in.sack = d[47] & 1;
	ends.v6 = d[47] & 2;

	cookie = tcphs_cookie_make(&keys, &ends, isn, period, &in);
	assert(tcphs_cookie_check(&keys, &ends, isn, cookie, period, &out));
	assert(tcphs_cookie_check(&keys, &ends, isn, cookie, period + 1,
				  &again));
	assert(tcphs_cookie_make(&keys, &ends, isn, period, &out) == cookie);
	assert(out.mss >= 536 && out.sack == in.sack);
	for (bit = 8; bit < 32; bit++)
		assert(!tcphs_cookie_check(&keys, &ends, isn, cookie ^ (1u << bit),
					   period, &again));
}

static void check_step(const struct tcphs_hs *before,
		       const struct tcphs_step *st)
{
	assert(st->next < TCPHS_NR_STATES);
	assert(st->reason < TCPHS_NR_REASONS);
	/* A wrong segment never moves the flow nor enters the record. */
	if (st->reason != TCPHS_R_OK) {
		assert(!st->commit);
		assert(st->next == before->state);
	}
}

/*
 * What the record takes of a synchronized flow fits its window: it acks
 * nothing the other side did not send, and starts inside what it may send.
 */
static void check_window(const struct tcphs_hs *before,
			 const struct tcphs_seg *seg, enum tcphs_dir dir,
			 const struct tcphs_step *st)
{
	const struct tcphs_peer *snd = &before->peer[dir];
	const struct tcphs_peer *rcv = &before->peer[!dir];

	if (!st->commit || (seg->flags & (TCPHS_SYN | TCPHS_RST)) ||
	    !(snd->seen & rcv->seen & TCPHS_SEEN_SYN))
		return;
	if (seg->flags & TCPHS_ACK)
		assert(!tcphs_seq_after(seg->ack, rcv->end));
	if (snd->seen & TCPHS_SEEN_BOUND)
		assert(!tcphs_seq_after(seg->seq, snd->maxend));
}

static void check_record(const struct tcphs_hs *hs)
{
	assert(hs->state < TCPHS_NR_STATES);
	/* Past SYN_SENT, both ISNs are known. */
	if (hs->state == TCPHS_SYN_RCVD || hs->state == TCPHS_ESTABLISHED) {
		assert(hs->peer[TCPHS_DIR_ORIG].seen & TCPHS_SEEN_SYN);
		assert(hs->peer[TCPHS_DIR_REPLY].seen & TCPHS_SEEN_SYN);
	}
	if (hs->state == TCPHS_SYN_SENT)
		assert(hs->peer[TCPHS_DIR_ORIG].seen & TCPHS_SEEN_SYN);
	assert(hs->peer[0].wscale <= TCPHS_MAX_WSCALE);
	assert(hs->peer[1].wscale <= TCPHS_MAX_WSCALE);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct tcphs_hs hs = { .state = TCPHS_CLOSED };
	struct tcphs_seg seg;
	struct tcphs_step st;

	if (size >= COOKIE_INPUT)
		fuzz_cookie(data);
	while (size >= 2) {
		enum tcphs_dir dir = data[0] & 1;
		bool dropped = data[0] & 2;
		size_t len = data[1];
		u8 *copy;

		data += 2;
		size -= 2;
		if (len > size)
			len = size;
		/* An exact-size copy, so ASan sees any read past the end. */
		copy = malloc(len ? len : 1);
		memcpy(copy, data, len);
		if (tcphs_parse_tcp(copy, len > TCPHS_TCP_MAX_HDR ?
				    TCPHS_TCP_MAX_HDR : len, len, &seg) ==
		    TCPHS_PARSE_OK) {
			assert(seg.hdr_len >= TCPHS_TCP_MIN_HDR);
			assert(seg.hdr_len + seg.payload_len == len);
			assert(seg.opt.nr_sack <= TCPHS_MAX_SACK);
			if (hs.state == TCPHS_CLOSED)
				dir = TCPHS_DIR_ORIG;	/* as the hook does */
			st = tcphs_fsm_step(&hs, &seg, dir);
			check_step(&hs, &st);
			check_window(&hs, &seg, dir, &st);
			if (!dropped)
				tcphs_fsm_commit(&hs, &seg, dir, &st);
			check_record(&hs);
			if (hs.state == TCPHS_CLOSED)
				memset(&hs, 0, sizeof(hs));	/* freed */
		}
		free(copy);
		data += len;
		size -= len;
	}
	return 0;
}
