/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Proxy mode's back-off under a SYN flood, after FreeBSD's syncache_pause()
 * but quicker to come back: once SYNs arrive faster than half-open flows
 * can be kept (proxy_halfopen_max, a full table, no memory), every SYN is
 * answered by a cookie alone for a pause, first of 1 s. A flood that
 * overflows again within as long as the last pause lasted, counted from
 * its end, is the same flood: the next pause is twice as long, up to 64 s.
 * A quiet spell that long starts again from 1 s. So a burst costs a second
 * of cookie-only answers, and a sustained flood one stateful try a minute.
 *
 * The state and its rules alone, on a time in jiffies (low 32 bits): the
 * caller serializes the changes and logs them; the check of a SYN reads
 * without a lock.
 */
#ifndef _TCPHS_PAUSE_H
#define _TCPHS_PAUSE_H

#include <linux/compiler.h>
#include <linux/jiffies.h>
#include <linux/types.h>

#define TCPHS_PAUSE_BASE	HZ
#define TCPHS_PAUSE_MAX_BACKOFF	6	/* 1 s << 6: 64 s */

struct tcphs_pause {
	u32 until;		/* cookies only before this, while on */
	u8 backoff;		/* the last pause lasted BASE << backoff */
	bool on;
	bool before;		/* a pause was ever on: until is its end */
};

/* Whether a SYN at @now gets a cookie alone. */
static inline bool tcphs_pause_cookies_only(const struct tcphs_pause *pz,
					    u32 now)
{
	return READ_ONCE(pz->on) && time_before32(now, READ_ONCE(pz->until));
}

/* Whether a pause is on, over or not: tcphs_pause_leave() may end it. */
static inline bool tcphs_pause_on(const struct tcphs_pause *pz)
{
	return READ_ONCE(pz->on);
}

u32 tcphs_pause_enter(struct tcphs_pause *pz, u32 now);
bool tcphs_pause_leave(struct tcphs_pause *pz, u32 now);

#endif /* _TCPHS_PAUSE_H */
