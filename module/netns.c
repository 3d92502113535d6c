// SPDX-License-Identifier: GPL-2.0
/*
 * A namespace's tcphs, from its birth to its exit: the table, counters,
 * sysctls, /proc files, proxy state, GC and hooks, made in that order and
 * torn down in the reverse; and the kernel's defragmentation, which runs
 * while the namespace's mode is not off.
 */
#include <linux/mm.h>
#include <linux/percpu.h>
#include <net/netfilter/ipv4/nf_defrag_ipv4.h>
#include <net/netfilter/ipv6/nf_defrag_ipv6.h>

#include "flowdump.h"
#include "hook.h"
#include "netns.h"
#include "nl.h"

unsigned int tcphs_net_id __read_mostly;
static unsigned int tcphs_buckets;

/*
 * The most buckets a namespace but init_net gets from the RAM: 32 KiB of
 * heads. Their creator pays for them (memcg), but anyone may create
 * namespaces; a buckets= of root's at insmod applies to all as given.
 */
#define TCPHS_NETNS_MAX_BUCKETS	4096

/*
 * 1024 buckets per GiB of RAM, from 1024 to 65536: 8 KiB of heads per GiB
 * per namespace, and with the default max_flows of 8 per bucket, room for
 * 8192 flows per GiB before SYNs go untracked.
 */
static unsigned int tcphs_default_buckets(void)
{
	unsigned long gib = totalram_pages() >> (30 - PAGE_SHIFT);

	return clamp_t(unsigned long, gib * 1024, 1024, 65536);
}

/*
 * While a namespace's mode is not off, the kernel reassembles IP fragments
 * ahead of the hooks (nf_defrag, as for conntrack; counted per namespace):
 * proxy mode must translate every byte of a flow, and track and enforce
 * judge whole segments. Without it a fragmented segment would pass unseen.
 */
static int tcphs_defrag_enable(struct net *net)
{
	int err = nf_defrag_ipv4_enable(net);

	if (err)
		return err;
	err = nf_defrag_ipv6_enable(net);
	if (err)
		nf_defrag_ipv4_disable(net);
	return err;
}

static void tcphs_defrag_disable(struct net *net)
{
	nf_defrag_ipv6_disable(net);
	nf_defrag_ipv4_disable(net);
}

int tcphs_net_set_mode(struct tcphs_cfg *cfg, int to)
{
	struct tcphs_net *tn = container_of(cfg, struct tcphs_net, cfg);
	bool was_on = cfg->mode != TCPHS_MODE_OFF, on = to != TCPHS_MODE_OFF;
	int err;

	if (on && !was_on) {
		err = tcphs_defrag_enable(tn->net);
		if (err)
			return err;
	}
	WRITE_ONCE(cfg->mode, to);
	if (on || !was_on)
		return 0;
	/*
	 * Off translates nothing. Once no hook acts on the old mode any
	 * more (they run under RCU), what was proxied ends, both ends told.
	 */
	synchronize_net();
	tcphs_proxy_flush(tn);
	tcphs_defrag_disable(tn->net);
	return 0;
}

static unsigned int tcphs_net_buckets(const struct net *net)
{
	unsigned int n = tcphs_default_buckets();

	if (tcphs_buckets)
		return tcphs_buckets;
	return net_eq(net, &init_net) ? n : min(n, TCPHS_NETNS_MAX_BUCKETS);
}

/*
 * Who pays for a namespace's tcphs: its creator's memory cgroup (this runs
 * in the task that makes the namespace, or at insmod for those already
 * there); init_net charges no one.
 */
static void tcphs_net_charge(struct tcphs_net *tn, gfp_t *gfp)
{
	tn->memcg = NULL;
	*gfp = GFP_KERNEL;
	if (net_eq(tn->net, &init_net))
		return;
	tn->memcg = get_mem_cgroup_from_mm(current->mm);
	*gfp = GFP_KERNEL_ACCOUNT;
}

/* A flow left the table: a flow-del event for whoever listens. */
static void tcphs_net_flow_gone(struct tcphs_table *t,
				const struct tcphs_flow *flow)
{
	struct tcphs_net *tn = container_of(t, struct tcphs_net, table);

	tcphs_nl_flow_event(tn->net, flow, TCPHS_CMD_FLOW_DEL_NTF, NULL);
}

static int __net_init tcphs_net_init(struct net *net)
{
	struct tcphs_net *tn = tcphs_pernet(net);
	const struct tcphs_cfg *init = NULL;
	gfp_t gfp;
	int err;

	tn->net = net;
	tcphs_net_charge(tn, &gfp);
	if (!net_eq(net, &init_net))
		init = &tcphs_pernet(&init_net)->cfg;
	err = -ENOMEM;
	tn->stats = alloc_percpu_gfp(struct tcphs_stats, gfp);
	if (!tn->stats)
		goto err_memcg;
	err = tcphs_table_init(&tn->table, tcphs_net_buckets(net), gfp);
	if (err)
		goto err_stats;
	tn->table.gone = tcphs_net_flow_gone;
	err = tcphs_cfg_init(&tn->cfg, tn->table.mask + 1, init);
	if (err)
		goto err_table;
	tn->sysctl_hdr = tcphs_sysctl_init(net, &tn->cfg);
	err = -ENOMEM;
	if (!tn->sysctl_hdr)
		goto err_cfg;
	err = tcphs_stats_proc_init(net);
	if (err)
		goto err_sysctl;
	err = tcphs_flowdump_init(net);
	if (err)
		goto err_stats_proc;
	tcphs_proxy_net_init(&tn->px);
	err = tcphs_defrag_enable(net);		/* the mode starts on */
	if (err)
		goto err_flowdump;
	err = tcphs_gc_start(tn);
	if (err)
		goto err_defrag;
	err = tcphs_hooks_register(net);
	if (err)
		goto err_gc;
	return 0;

err_gc:
	tcphs_gc_stop(tn);
err_defrag:
	tcphs_defrag_disable(net);
err_flowdump:
	tcphs_flowdump_exit(net);
err_stats_proc:
	tcphs_stats_proc_exit(net);
err_sysctl:
	tcphs_sysctl_exit(tn->sysctl_hdr);
err_cfg:
	tcphs_cfg_exit(&tn->cfg);
err_table:
	tcphs_table_destroy(&tn->table);
err_stats:
	free_percpu(tn->stats);
err_memcg:
	mem_cgroup_put(tn->memcg);
	return err;
}

/*
 * Before any exit runs (the namespace's, or every one's at rmmod), while
 * its devices still carry segments: proxied connections are reset at both
 * ends, not left to hang.
 */
static void __net_exit tcphs_net_pre_exit(struct net *net)
{
	tcphs_proxy_flush(tcphs_pernet(net));
}

static void __net_exit tcphs_net_exit(struct net *net)
{
	struct tcphs_net *tn = tcphs_pernet(net);

	/* Waits for every hook in flight: no reader of the table is left. */
	tcphs_hooks_unregister(net);
	tcphs_gc_stop(tn);
	tcphs_flowdump_exit(net);
	tcphs_stats_proc_exit(net);
	tcphs_sysctl_exit(tn->sysctl_hdr);	/* no mode is written after */
	if (READ_ONCE(tn->cfg.mode) != TCPHS_MODE_OFF)
		tcphs_defrag_disable(net);
	tcphs_table_destroy(&tn->table);
	tcphs_cfg_exit(&tn->cfg);
	free_percpu(tn->stats);
	mem_cgroup_put(tn->memcg);
}

static struct pernet_operations tcphs_net_ops = {
	.init		= tcphs_net_init,
	.pre_exit	= tcphs_net_pre_exit,
	.exit		= tcphs_net_exit,
	.id		= &tcphs_net_id,
	.size		= sizeof(struct tcphs_net),
};

/* @buckets: the table size of each namespace; 0, from the RAM. */
int tcphs_net_register(unsigned int buckets)
{
	tcphs_buckets = buckets;
	return register_pernet_subsys(&tcphs_net_ops);
}

void tcphs_net_unregister(void)
{
	unregister_pernet_subsys(&tcphs_net_ops);
}
