/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TCP sequence-number arithmetic (RFC 9293 section 3.4, RFC 1982).
 *
 * Sequence numbers live on a circle of 2^32. a is before b when the signed
 * 32-bit distance b - a is positive. At a distance of exactly 2^31 the answer
 * is undefined by RFC 1982; here a is then both before and after b, as with
 * the kernel's own before(): callers must never rely on either.
 */
#ifndef _TCPHS_SEQ_H
#define _TCPHS_SEQ_H

#include "compat.h"

static inline bool tcphs_seq_before(u32 a, u32 b)
{
	return (s32)(a - b) < 0;
}

static inline bool tcphs_seq_after(u32 a, u32 b)
{
	return tcphs_seq_before(b, a);
}

/* lo <= x < lo + len, modulo 2^32; an empty window holds nothing. */
static inline bool tcphs_seq_in_window(u32 x, u32 lo, u32 len)
{
	return x - lo < len;
}

/* The later of two sequence numbers. */
static inline u32 tcphs_seq_max(u32 a, u32 b)
{
	return tcphs_seq_after(a, b) ? a : b;
}

#endif /* _TCPHS_SEQ_H */
