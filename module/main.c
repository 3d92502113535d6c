// SPDX-License-Identifier: GPL-2.0
/*
 * tcphs: an alternate path for the TCP three-way handshake.
 *
 * Only the module's own init and exit: the caches, and each namespace's
 * tcphs (netns.c). A segment's path is hook.c, parse.c, fsm.c, table.c,
 * and for proxy mode px_*.c, rewrite.c and out.c (Documentation/design.rst).
 */
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "netns.h"
#include "nl.h"
#include "proxy.h"
#include "table.h"

static unsigned int buckets;
module_param(buckets, uint, 0444);
MODULE_PARM_DESC(buckets, "flow table buckets per namespace (0: from RAM)");

bool tcphs_test_mode __read_mostly;
module_param_named(test_mode, tcphs_test_mode, bool, 0444);
MODULE_PARM_DESC(test_mode, "allow isn_policy=fixed (tests only)");

static int __init tcphs_init(void)
{
	int err;

	err = tcphs_flow_cache_init();
	if (err)
		return err;
	err = tcphs_proxy_cache_init();
	if (err)
		goto err_flow_cache;
	err = tcphs_net_register(buckets);
	if (err)
		goto err_proxy_cache;
	/* Last in, first out: its operations read every namespace's table. */
	err = tcphs_nl_init();
	if (err)
		goto err_net;
	pr_info("loaded\n");
	return 0;

err_net:
	tcphs_net_unregister();
err_proxy_cache:
	tcphs_proxy_cache_exit();
err_flow_cache:
	tcphs_flow_cache_exit();
	return err;
}

static void __exit tcphs_exit(void)
{
	tcphs_nl_exit();
	tcphs_net_unregister();
	/* Every flow freed by call_rcu() is gone before its cache is. */
	rcu_barrier();
	tcphs_proxy_cache_exit();
	tcphs_flow_cache_exit();
}

module_init(tcphs_init);
module_exit(tcphs_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("An alternate path for the TCP three-way handshake");
MODULE_AUTHOR("The tcphs developers");
MODULE_VERSION(TCPHS_VERSION);
