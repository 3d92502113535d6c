// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/stat/tcphs: a header line, then one line of hex counters per
 * possible CPU, as /proc/net/stat/nf_conntrack and synproxy lay them out.
 * The first column, entries, is the namespace's flow count (not per CPU).
 *
 * /proc/net/tcphs: one line per flow of this namespace:
 *
 *   ipv4 10.0.1.2:51000 10.0.2.2:8080 ESTABLISHED isn=4f1c2a70,9b3e0d11 age=3 idle=1
 *
 * the tuple in the direction of the first SYN, the state, the two ISNs
 * (initiator's, responder's; "-" while unknown), and seconds since the
 * first SYN and since the last segment.
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>

#include "tcphs.h"

static const char *const tcphs_stat_names[TCPHS_STAT_REASON_BASE] = {
	[TCPHS_STAT_SEGMENTS]		= "segments",
	[TCPHS_STAT_SYN]		= "syn",
	[TCPHS_STAT_SYNACK]		= "synack",
	[TCPHS_STAT_FIN]		= "fin",
	[TCPHS_STAT_RST]		= "rst",
	[TCPHS_STAT_UNTRACKED]		= "untracked",
	[TCPHS_STAT_FLOWS_NEW]		= "flows_new",
	[TCPHS_STAT_FLOWS_ESTABLISHED]	= "flows_established",
	[TCPHS_STAT_FLOWS_RESET]	= "flows_reset",
	[TCPHS_STAT_FLOWS_CLOSED]	= "flows_closed",
	[TCPHS_STAT_FLOWS_EXPIRED]	= "flows_expired",
	[TCPHS_STAT_TABLE_FULL]		= "table_full",
	[TCPHS_STAT_ALLOC_FAILED]	= "alloc_failed",
	[TCPHS_STAT_SYN_RETRANS]	= "syn_retrans",
	[TCPHS_STAT_SYNACK_RETRANS]	= "synack_retrans",
	[TCPHS_STAT_RESTARTS]		= "restarts",
	[TCPHS_STAT_SIMULTANEOUS]	= "simultaneous",
	[TCPHS_STAT_DROPPED]		= "dropped",
	[TCPHS_STAT_PROXY_SYNACK]	= "proxy_synack",
	[TCPHS_STAT_PROXY_COOKIE]	= "proxy_cookie",
	[TCPHS_STAT_PROXY_ACK_BAD]	= "proxy_ack_bad",
	[TCPHS_STAT_PROXY_COOKIE_BAD]	= "proxy_cookie_bad",
	[TCPHS_STAT_PROXY_CONNECT]	= "proxy_connect",
	[TCPHS_STAT_PROXY_SYN_RETRANS]	= "proxy_syn_retrans",
	[TCPHS_STAT_PROXY_OPEN]		= "proxy_open",
	[TCPHS_STAT_PROXY_HELD]		= "proxy_held",
	[TCPHS_STAT_PROXY_HOLD_FULL]	= "proxy_hold_full",
	[TCPHS_STAT_PROXY_REFUSED]	= "proxy_refused",
	[TCPHS_STAT_PROXY_TIMEOUT]	= "proxy_timeout",
	[TCPHS_STAT_PROXY_XMIT_FAILED]	= "proxy_xmit_failed",
	[TCPHS_STAT_PROXY_LEARNED]	= "proxy_learned",
	[TCPHS_STAT_PROXY_RESCALED]	= "proxy_rescaled",
	[TCPHS_STAT_PROXY_STRAY]	= "proxy_stray",
};

static const char *tcphs_stat_name(unsigned int i)
{
	if (i < TCPHS_STAT_REASON_BASE)
		return tcphs_stat_names[i];
	return tcphs_reason_names[i - TCPHS_STAT_REASON_BASE + 1];
}

static void tcphs_stat_header(struct seq_file *seq)
{
	unsigned int i;

	seq_puts(seq, "entries");
	for (i = 0; i < TCPHS_NR_STATS; i++)
		seq_printf(seq, " %s", tcphs_stat_name(i));
	seq_putc(seq, '\n');
}

static void tcphs_stat_line(struct seq_file *seq, const struct tcphs_stats *st,
			    unsigned int entries)
{
	unsigned int i;

	seq_printf(seq, "%08x", entries);
	for (i = 0; i < TCPHS_NR_STATS; i++)
		seq_printf(seq, " %08x", st->cnt[i]);
	seq_putc(seq, '\n');
}

static void *tcphs_cpu_next(struct seq_file *seq, loff_t *pos)
{
	struct tcphs_net *tn = tcphs_pernet(seq_file_net(seq));
	int cpu;

	for (cpu = *pos - 1; cpu < nr_cpu_ids; cpu++) {
		if (!cpu_possible(cpu))
			continue;
		*pos = cpu + 2;
		return per_cpu_ptr(tn->stats, cpu);
	}
	return NULL;
}

/* Position 0 is the header; position cpu + 1 is that CPU's line. */
static void *tcphs_stat_start(struct seq_file *seq, loff_t *pos)
{
	if (*pos == 0)
		return SEQ_START_TOKEN;
	return tcphs_cpu_next(seq, pos);
}

static void *tcphs_stat_next(struct seq_file *seq, void *v, loff_t *pos)
{
	void *next;

	if (v == SEQ_START_TOKEN)
		*pos = 1;
	next = tcphs_cpu_next(seq, pos);
	if (!next)
		++*pos;		/* seq_file wants the end to move too */
	return next;
}

static void tcphs_stat_stop(struct seq_file *seq, void *v)
{
}

static int tcphs_stat_show(struct seq_file *seq, void *v)
{
	struct tcphs_net *tn = tcphs_pernet(seq_file_net(seq));

	if (v == SEQ_START_TOKEN)
		tcphs_stat_header(seq);
	else
		tcphs_stat_line(seq, v, atomic_read(&tn->table.count));
	return 0;
}

static const struct seq_operations tcphs_stat_ops = {
	.start	= tcphs_stat_start,
	.next	= tcphs_stat_next,
	.stop	= tcphs_stat_stop,
	.show	= tcphs_stat_show,
};

struct tcphs_flow_iter {
	struct seq_net_private p;	/* first: seq_file_net() needs it */
	unsigned int bucket;
};

static struct tcphs_flow *tcphs_flow_first(struct seq_file *seq,
					   unsigned int from)
{
	struct tcphs_flow_iter *it = seq->private;
	struct tcphs_table *t = &tcphs_pernet(seq_file_net(seq))->table;
	struct hlist_node *n;

	for (it->bucket = from; it->bucket <= t->mask; it->bucket++) {
		n = rcu_dereference(hlist_first_rcu(&t->buckets[it->bucket]));
		if (n)
			return hlist_entry(n, struct tcphs_flow, node);
	}
	return NULL;
}

static struct tcphs_flow *tcphs_flow_next(struct seq_file *seq,
					  struct tcphs_flow *flow)
{
	struct tcphs_flow_iter *it = seq->private;
	struct hlist_node *n = rcu_dereference(hlist_next_rcu(&flow->node));

	if (n)
		return hlist_entry(n, struct tcphs_flow, node);
	return tcphs_flow_first(seq, it->bucket + 1);
}

static void *tcphs_flows_start(struct seq_file *seq, loff_t *pos)
	__acquires(RCU)
{
	struct tcphs_flow *flow;
	loff_t skip = *pos;

	rcu_read_lock();
	flow = tcphs_flow_first(seq, 0);
	while (flow && skip--)
		flow = tcphs_flow_next(seq, flow);
	return flow;
}

static void *tcphs_flows_next(struct seq_file *seq, void *v, loff_t *pos)
{
	(*pos)++;
	return tcphs_flow_next(seq, v);
}

static void tcphs_flows_stop(struct seq_file *seq, void *v)
	__releases(RCU)
{
	rcu_read_unlock();
}

static void tcphs_show_isn(struct seq_file *seq, const struct tcphs_peer *p)
{
	if (p->seen & TCPHS_SEEN_SYN)
		seq_printf(seq, "%08x", p->isn);
	else
		seq_putc(seq, '-');
}

static int tcphs_flows_show(struct seq_file *seq, void *v)
{
	const struct tcphs_flow *flow = v;
	const struct tcphs_tuple *tu = &flow->tuple;
	u32 now = (u32)jiffies;
	struct tcphs_hs hs = flow->hs;	/* a snapshot; it may be changing */

	if (tu->family == NFPROTO_IPV4)
		seq_printf(seq, "ipv4 %pI4:%u %pI4:%u", &tu->saddr.ip,
			   ntohs(tu->sport), &tu->daddr.ip, ntohs(tu->dport));
	else
		seq_printf(seq, "ipv6 [%pI6c]:%u [%pI6c]:%u", &tu->saddr.in6,
			   ntohs(tu->sport), &tu->daddr.in6, ntohs(tu->dport));
	seq_printf(seq, " %s isn=",
		   tcphs_state_names[min_t(u8, hs.state, TCPHS_NR_STATES - 1)]);
	tcphs_show_isn(seq, &hs.peer[TCPHS_DIR_ORIG]);
	seq_putc(seq, ',');
	tcphs_show_isn(seq, &hs.peer[TCPHS_DIR_REPLY]);
	seq_printf(seq, " age=%u idle=%u%s\n", (now - flow->born) / HZ,
		   (now - READ_ONCE(flow->last)) / HZ,
		   tcphs_fsm_closing(&hs) ? " closing" : "");
	return 0;
}

static const struct seq_operations tcphs_flows_ops = {
	.start	= tcphs_flows_start,
	.next	= tcphs_flows_next,
	.stop	= tcphs_flows_stop,
	.show	= tcphs_flows_show,
};

int tcphs_proc_init(struct net *net)
{
	if (!proc_create_net("tcphs", 0444, net->proc_net_stat, &tcphs_stat_ops,
			     sizeof(struct seq_net_private)))
		return -ENOMEM;
	if (!proc_create_net("tcphs", 0440, net->proc_net, &tcphs_flows_ops,
			     sizeof(struct tcphs_flow_iter))) {
		remove_proc_entry("tcphs", net->proc_net_stat);
		return -ENOMEM;
	}
	return 0;
}

void tcphs_proc_exit(struct net *net)
{
	remove_proc_entry("tcphs", net->proc_net);
	remove_proc_entry("tcphs", net->proc_net_stat);
}
