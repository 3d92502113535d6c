/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The garbage collector: once a second it walks a namespace's table and
 * unlinks the flows idle longer than their state's timeout. A flow's
 * owner may take part (tcphs_flow_ops.expire): proxy mode retries its SYN
 * to a silent server, then resets the client.
 */
#ifndef _TCPHS_GC_H
#define _TCPHS_GC_H

#include <linux/workqueue.h>

#include "fsm.h"
#include "out.h"
#include "table.h"

struct tcphs_net;
struct tcphs_stats;

/* Segments one pass may send (proxy mode's SYN retries and resets). */
#define TCPHS_GC_OUT	32

/* One pass, as a flow's owner sees it. */
struct tcphs_gc {
	u32 now;			/* jiffies, low 32 bits */
	struct tcphs_stats __percpu *stats;
	struct tcphs_out *out;		/* to send once the pass is over */
	unsigned int nr_out;
	unsigned int max_out;		/* the room at out */
	bool idle;			/* the flow visited is past its timeout */
};

/* A room for one segment to send after the pass, or NULL: none is left. */
static inline struct tcphs_out *tcphs_gc_out(struct tcphs_gc *gc)
{
	return gc->nr_out < gc->max_out ? &gc->out[gc->nr_out++] : NULL;
}

/* A namespace's collector. */
struct tcphs_gc_work {
	struct delayed_work work;
	struct tcphs_out *out;		/* TCPHS_GC_OUT of them */
};

/*
 * Every flow of @tn's table visited under its bucket's lock; each time the
 * room at @gc->out fills (a visit says PAUSE), what it holds is sent with
 * no lock held and the walk goes on where it stopped.
 */
void tcphs_gc_walk(struct tcphs_net *tn, struct tcphs_gc *gc,
		   tcphs_sweep_fn visit, void *arg);
int tcphs_gc_start(struct tcphs_net *tn);
void tcphs_gc_stop(struct tcphs_net *tn);

#endif /* _TCPHS_GC_H */
