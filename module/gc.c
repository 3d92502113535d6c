// SPDX-License-Identifier: GPL-2.0
/*
 * The garbage collector: a namespace's table walked once a second, each
 * flow unlinked once idle longer than its state allows (the timeout_*
 * sysctls), or when its owner says so (tcphs_flow_ops.expire). What the
 * owners had to send goes out after the walk, with no lock held.
 */
#include <linux/jiffies.h>
#include <linux/slab.h>

#include "gc.h"
#include "netns.h"
#include "out.h"
#include "stats.h"

#define TCPHS_GC_INTERVAL	HZ

/* How long each state may sit idle, in jiffies. */
struct tcphs_timeouts {
	unsigned long state[TCPHS_NR_STATES];
	unsigned long closing;		/* both FINs seen */
};

/* A pass: what the owners see, and the policy. */
struct tcphs_gc_pass {
	struct tcphs_gc gc;
	struct tcphs_timeouts to;
	unsigned int expired;
	unsigned int closed;
};

/* A timeout sysctl in jiffies; seconds * HZ overflows an int at HZ=1000. */
static unsigned long tcphs_secs(int secs)
{
	return (unsigned long)secs * HZ;
}

static void tcphs_timeouts_of(const struct tcphs_cfg *cfg,
			      struct tcphs_timeouts *to)
{
	memset(to, 0, sizeof(*to));
	to->state[TCPHS_SYN_SENT] = tcphs_secs(READ_ONCE(cfg->timeout_syn_sent));
	to->state[TCPHS_SYN_RCVD] = tcphs_secs(READ_ONCE(cfg->timeout_syn_rcvd));
	to->state[TCPHS_ESTABLISHED] =
		tcphs_secs(READ_ONCE(cfg->timeout_established));
	to->closing = tcphs_secs(READ_ONCE(cfg->timeout_close));
}

static unsigned long tcphs_flow_timeout(const struct tcphs_flow *flow,
					const struct tcphs_timeouts *to)
{
	if (tcphs_fsm_closing(&flow->hs))
		return to->closing;
	return to->state[flow->hs.state];
}

/* Under the bucket's lock: does the flow go? */
static enum tcphs_sweep tcphs_gc_visit(struct tcphs_flow *flow, void *arg)
{
	struct tcphs_gc_pass *pass = arg;
	enum tcphs_sweep verdict;

	pass->gc.idle = time_after32(pass->gc.now, READ_ONCE(flow->last) +
				     (u32)tcphs_flow_timeout(flow, &pass->to));
	if (flow->ops && flow->ops->expire)
		verdict = flow->ops->expire(flow, &pass->gc);
	else
		verdict = pass->gc.idle ? TCPHS_SWEEP_UNLINK : TCPHS_SWEEP_KEEP;
	if (verdict != TCPHS_SWEEP_UNLINK || !pass->gc.idle)
		return verdict;
	if (tcphs_fsm_closing(&flow->hs))
		pass->closed++;
	else
		pass->expired++;
	return verdict;
}

/* What the owners queued, out with no lock held. */
static void tcphs_gc_send(struct tcphs_net *tn, struct tcphs_gc *gc)
{
	unsigned int failed;

	rcu_read_lock();
	failed = tcphs_out_send(tn->net, gc->out, gc->nr_out);
	rcu_read_unlock();
	tcphs_stat_add(tn->stats, TCPHS_STAT_PROXY_XMIT_FAILED, failed);
	gc->nr_out = 0;
}

void tcphs_gc_walk(struct tcphs_net *tn, struct tcphs_gc *gc,
		   tcphs_sweep_fn visit, void *arg)
{
	unsigned int b = 0;

	while (b <= tn->table.mask) {
		b = tcphs_table_sweep(&tn->table, b, visit, arg);
		tcphs_gc_send(tn, gc);
	}
}

static void tcphs_gc_work(struct work_struct *work)
{
	struct tcphs_net *tn = container_of(to_delayed_work(work),
					    struct tcphs_net, gc.work);
	struct tcphs_gc_pass pass = {
		.gc = {
			.now = (u32)jiffies,
			.stats = tn->stats,
			.out = tn->gc.out,
			.max_out = TCPHS_GC_OUT,
		},
	};

	tcphs_timeouts_of(&tn->cfg, &pass.to);
	tcphs_gc_walk(tn, &pass.gc, tcphs_gc_visit, &pass);
	tcphs_stat_add(tn->stats, TCPHS_STAT_FLOWS_EXPIRED, pass.expired);
	tcphs_stat_add(tn->stats, TCPHS_STAT_FLOWS_CLOSED, pass.closed);
	queue_delayed_work(system_power_efficient_wq, &tn->gc.work,
			   TCPHS_GC_INTERVAL);
}

int tcphs_gc_start(struct tcphs_net *tn)
{
	tn->gc.out = kcalloc(TCPHS_GC_OUT, sizeof(*tn->gc.out), GFP_KERNEL);
	if (!tn->gc.out)
		return -ENOMEM;
	INIT_DELAYED_WORK(&tn->gc.work, tcphs_gc_work);
	queue_delayed_work(system_power_efficient_wq, &tn->gc.work,
			   TCPHS_GC_INTERVAL);
	return 0;
}

void tcphs_gc_stop(struct tcphs_net *tn)
{
	cancel_delayed_work_sync(&tn->gc.work);
	kfree(tn->gc.out);
}
