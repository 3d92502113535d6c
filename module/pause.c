// SPDX-License-Identifier: GPL-2.0
/* Proxy mode's back-off under a SYN flood: see pause.h. */
#include <linux/minmax.h>

#include "pause.h"

/*
 * SYNs overflowed at @now: a pause begins, unless one is on. Returns its
 * length in jiffies, or 0 if none began.
 */
u32 tcphs_pause_enter(struct tcphs_pause *pz, u32 now)
{
	u32 last = TCPHS_PAUSE_BASE << pz->backoff;

	if (pz->on)
		return 0;
	if (pz->before && time_before32(now, pz->until + last))
		pz->backoff = min_t(u8, pz->backoff + 1,
				    TCPHS_PAUSE_MAX_BACKOFF);
	else
		pz->backoff = 0;
	pz->before = true;
	WRITE_ONCE(pz->until, now + (TCPHS_PAUSE_BASE << pz->backoff));
	WRITE_ONCE(pz->on, true);
	return TCPHS_PAUSE_BASE << pz->backoff;
}

/* True once, at the first call at or past the pause's end. */
bool tcphs_pause_leave(struct tcphs_pause *pz, u32 now)
{
	if (!pz->on || time_before32(now, pz->until))
		return false;
	WRITE_ONCE(pz->on, false);
	return true;
}
