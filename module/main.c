// SPDX-License-Identifier: GPL-2.0
/*
 * tcphs: an alternate path for the TCP three-way handshake.
 *
 * Module and namespace set-up and tear-down; the work is in hook.c (the
 * wire), fsm.c (the handshake rules), table.c (the flows) and stats.c (what
 * is shown).
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "hook.h"
#include "sysctl.h"
#include "tcphs.h"

unsigned int tcphs_net_id __read_mostly;

static unsigned int buckets;
module_param(buckets, uint, 0444);
MODULE_PARM_DESC(buckets, "flow table buckets per namespace (0: from RAM)");

bool tcphs_test_mode __read_mostly;
module_param_named(test_mode, tcphs_test_mode, bool, 0444);
MODULE_PARM_DESC(test_mode, "allow isn_policy=fixed (tests only)");

/* How often the GC walks a namespace's table. */
#define TCPHS_GC_INTERVAL	HZ

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

/* A timeout sysctl in jiffies; seconds * HZ overflows an int at HZ=1000. */
static unsigned long tcphs_secs(int secs)
{
	return (unsigned long)secs * HZ;
}

static void tcphs_timeouts(const struct tcphs_cfg *cfg,
			   struct tcphs_timeouts *to)
{
	memset(to, 0, sizeof(*to));
	to->state[TCPHS_SYN_SENT] = tcphs_secs(READ_ONCE(cfg->timeout_syn_sent));
	to->state[TCPHS_SYN_RCVD] = tcphs_secs(READ_ONCE(cfg->timeout_syn_rcvd));
	to->state[TCPHS_ESTABLISHED] =
		tcphs_secs(READ_ONCE(cfg->timeout_established));
	to->closing = tcphs_secs(READ_ONCE(cfg->timeout_close));
}

static void tcphs_gc_work(struct work_struct *work)
{
	struct tcphs_net *tn = container_of(to_delayed_work(work),
					    struct tcphs_net, gc_work);
	struct tcphs_gc_result res = {
		.out = tn->gc_out,
		.max_out = TCPHS_GC_OUT,
	};
	struct tcphs_timeouts to;

	tcphs_timeouts(&tn->cfg, &to);
	tcphs_table_gc(&tn->table, &to, &res);
	tcphs_stat_add(tn->stats, TCPHS_STAT_FLOWS_EXPIRED, res.expired);
	tcphs_stat_add(tn->stats, TCPHS_STAT_FLOWS_CLOSED, res.closed);
	tcphs_stat_add(tn->stats, TCPHS_STAT_PROXY_SYN_RETRANS,
		       res.proxy_retrans);
	tcphs_stat_add(tn->stats, TCPHS_STAT_PROXY_TIMEOUT, res.proxy_timeout);
	rcu_read_lock();
	tcphs_proxy_send(tn, res.out, res.nr_out);
	rcu_read_unlock();
	queue_delayed_work(system_power_efficient_wq, &tn->gc_work,
			   TCPHS_GC_INTERVAL);
}

static int __net_init tcphs_net_init(struct net *net)
{
	struct tcphs_net *tn = tcphs_pernet(net);
	unsigned int nbuckets = buckets ?: tcphs_default_buckets();
	int err;

	tn->net = net;
	tn->gc_out = kcalloc(TCPHS_GC_OUT, sizeof(*tn->gc_out), GFP_KERNEL);
	tn->stats = alloc_percpu(struct tcphs_stats);
	err = -ENOMEM;
	if (!tn->stats || !tn->gc_out)
		goto err_stats;
	err = tcphs_table_init(&tn->table, nbuckets);
	if (err)
		goto err_stats;
	err = tcphs_cfg_init(&tn->cfg, tn->table.mask + 1);
	if (err)
		goto err_table;
	err = tcphs_sysctl_init(net);
	if (err)
		goto err_cfg;
	err = tcphs_proc_init(net);
	if (err)
		goto err_sysctl;
	err = tcphs_defrag_enable(net);		/* the mode starts on */
	if (err)
		goto err_proc;
	err = tcphs_hooks_register(net);
	if (err)
		goto err_defrag;
	INIT_DELAYED_WORK(&tn->gc_work, tcphs_gc_work);
	queue_delayed_work(system_power_efficient_wq, &tn->gc_work,
			   TCPHS_GC_INTERVAL);
	return 0;

err_defrag:
	tcphs_defrag_disable(net);
err_proc:
	tcphs_proc_exit(net);
err_sysctl:
	tcphs_sysctl_exit(net);
err_cfg:
	tcphs_cfg_exit(&tn->cfg);
err_table:
	tcphs_table_destroy(&tn->table);
err_stats:
	free_percpu(tn->stats);
	kfree(tn->gc_out);
	return err;
}

static void __net_exit tcphs_net_exit(struct net *net)
{
	struct tcphs_net *tn = tcphs_pernet(net);

	/* Waits for every hook in flight: no reader of the table is left. */
	tcphs_hooks_unregister(net);
	cancel_delayed_work_sync(&tn->gc_work);
	tcphs_proc_exit(net);
	tcphs_sysctl_exit(net);		/* no mode is written after this */
	if (READ_ONCE(tn->cfg.mode) != TCPHS_MODE_OFF)
		tcphs_defrag_disable(net);
	tcphs_table_destroy(&tn->table);
	tcphs_cfg_exit(&tn->cfg);
	free_percpu(tn->stats);
	kfree(tn->gc_out);
}

static struct pernet_operations tcphs_net_ops = {
	.init	= tcphs_net_init,
	.exit	= tcphs_net_exit,
	.id	= &tcphs_net_id,
	.size	= sizeof(struct tcphs_net),
};

static int __init tcphs_init(void)
{
	int err;

	err = tcphs_flow_cache_init();
	if (err)
		return err;
	err = register_pernet_subsys(&tcphs_net_ops);
	if (err)
		goto err_cache;
	pr_info("loaded\n");
	return 0;

err_cache:
	tcphs_flow_cache_exit();
	return err;
}

static void __exit tcphs_exit(void)
{
	unregister_pernet_subsys(&tcphs_net_ops);
	tcphs_flow_cache_exit();
}

module_init(tcphs_init);
module_exit(tcphs_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("An alternate path for the TCP three-way handshake");
MODULE_AUTHOR("The tcphs developers");
