/* SPDX-License-Identifier: GPL-2.0 */
/* What tcphs keeps for each network namespace. */
#ifndef _TCPHS_H
#define _TCPHS_H

#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "dest.h"
#include "isn.h"
#include "proxy.h"
#include "stats.h"
#include "table.h"

enum tcphs_mode {
	TCPHS_MODE_OFF,		/* hooks pass everything, untouched */
	TCPHS_MODE_TRACK,	/* follow and count; never drop */
	TCPHS_MODE_ENFORCE,	/* also drop what a correct peer never sends */
	TCPHS_MODE_PROXY,	/* enforce, and answer SYNs to proxy_ports */
	TCPHS_NR_MODES
};

#define TCPHS_MAX_PORT_RANGES	16

/* net.tcphs.proxy_ports, replaced whole on a write (RCU). */
struct tcphs_ports {
	struct rcu_head rcu;
	unsigned int nr;
	struct {
		u16 lo;
		u16 hi;
	} range[TCPHS_MAX_PORT_RANGES];
};

/* The namespace's secrets, replaced whole by net.tcphs.rotate_keys (RCU). */
struct tcphs_secrets {
	struct rcu_head rcu;
	siphash_key_t isn;		/* F of RFC 6528 */
	struct tcphs_cookie_keys cookie;
};

/* The namespace's sysctls (sysctl.c); read locklessly with READ_ONCE(). */
struct tcphs_cfg {
	int mode;			/* enum tcphs_mode */
	int max_flows;
	int timeout_syn_sent;		/* seconds */
	int timeout_syn_rcvd;
	int timeout_established;
	int timeout_close;
	int isn_policy;			/* enum tcphs_isn_policy */
	int proxy_halfopen_max;		/* then SYN-ACKs keep only a cookie */
	int rotate_keys;		/* reads 0; a write of 1 rotates */
	struct tcphs_ports __rcu *ports;
	struct tcphs_secrets __rcu *secrets;
};

/* Segments a GC pass may send (proxy mode's SYN retries and resets). */
#define TCPHS_GC_OUT	32

struct tcphs_net {
	struct net *net;
	struct tcphs_cfg cfg;
	struct tcphs_table table;
	struct tcphs_stats __percpu *stats;
	struct ctl_table_header *sysctl_hdr;
	struct delayed_work gc_work;
	struct tcphs_out *gc_out;	/* TCPHS_GC_OUT of them */
	u64 dests[TCPHS_DEST_SLOTS];	/* what servers announced (dest.h) */
	bool proxied;			/* a flow was ever proxied here */
};

extern unsigned int tcphs_net_id;
extern bool tcphs_test_mode;

static inline struct tcphs_net *tcphs_pernet(const struct net *net)
{
	return net_generic(net, tcphs_net_id);
}

#endif /* _TCPHS_H */
