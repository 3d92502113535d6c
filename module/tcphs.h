/* SPDX-License-Identifier: GPL-2.0 */
/* What tcphs keeps for each network namespace. */
#ifndef _TCPHS_H
#define _TCPHS_H

#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "stats.h"
#include "table.h"

enum tcphs_mode {
	TCPHS_MODE_OFF,		/* hooks pass everything, untouched */
	TCPHS_MODE_TRACK,	/* follow and count; never drop */
	TCPHS_MODE_ENFORCE,	/* also drop what a correct peer never sends */
	TCPHS_NR_MODES
};

/* The namespace's sysctls (sysctl.c); read locklessly with READ_ONCE(). */
struct tcphs_cfg {
	int mode;			/* enum tcphs_mode */
	int max_flows;
	int timeout_syn_sent;		/* seconds */
	int timeout_syn_rcvd;
	int timeout_established;
	int timeout_close;
};

struct tcphs_net {
	struct tcphs_cfg cfg;
	struct tcphs_table table;
	struct tcphs_stats __percpu *stats;
	struct ctl_table_header *sysctl_hdr;
	struct delayed_work gc_work;
};

extern unsigned int tcphs_net_id;

static inline struct tcphs_net *tcphs_pernet(const struct net *net)
{
	return net_generic(net, tcphs_net_id);
}

#endif /* _TCPHS_H */
