/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What tcphs keeps for each network namespace, and its lifetime: made when
 * the namespace (or the module) comes, torn down when it goes; the kernel's
 * defragmentation follows its mode.
 */
#ifndef _TCPHS_NETNS_H
#define _TCPHS_NETNS_H

#include <linux/memcontrol.h>
#include <linux/sched/mm.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "gc.h"
#include "proxy.h"
#include "stats.h"
#include "sysctl.h"
#include "table.h"

struct tcphs_net {
	struct net *net;
	/* What this namespace's traffic makes tcphs allocate is charged to:
	 * the memory cgroup of the task that made the namespace; NULL for
	 * init_net (bounded by the host's own sysctls)
	 */
	struct mem_cgroup *memcg;
	struct tcphs_cfg cfg;
	struct tcphs_table table;
	struct tcphs_stats __percpu *stats;
	struct ctl_table_header *sysctl_hdr;
	struct tcphs_gc_work gc;
	struct tcphs_proxy_net px;
	/* jiffies until which a SYN-ACK of no flow may be one tcphs had no
	 * room to track (hook.c, tcphs_untracked_lately())
	 */
	unsigned long untracked_until;
};

extern unsigned int tcphs_net_id;
extern bool tcphs_test_mode;

static inline struct tcphs_net *tcphs_pernet(const struct net *net)
{
	return net_generic(net, tcphs_net_id);
}

/*
 * Around an allocation in softirq, which would otherwise charge no one
 * (or the interrupted task): the namespace's cgroup pays, as for BPF maps.
 * Returns what to restore with set_active_memcg().
 */
static inline struct mem_cgroup *tcphs_charge_begin(const struct tcphs_net *tn)
{
	return set_active_memcg(tn->memcg);
}

/*
 * Under the sysctls' lock: the mode of @cfg's namespace becomes @to, with
 * defragmentation on first or off after, and proxied flows ended at a
 * switch to off.
 */
int tcphs_net_set_mode(struct tcphs_cfg *cfg, int to);

int tcphs_net_register(unsigned int buckets);
void tcphs_net_unregister(void);

#endif /* _TCPHS_NETNS_H */
