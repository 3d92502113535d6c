// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/tcphs: one line per flow of this namespace:
 *
 *   ipv4 10.0.1.2:51000 10.0.2.2:8080 ESTABLISHED isn=4f1c2a70,9b3e0d11 age=3 idle=1
 *
 * the tuple in the direction of the first SYN, the state, the two ISNs
 * (initiator's, responder's; "-" while unknown), and seconds since the
 * first SYN and since the last segment.
 *
 * seq_file reads the file in pieces, one buffer at a time. Each read goes
 * on from the table position where the last one stopped (table.h's
 * tcphs_table_pos), so a dump costs one walk of the table, not one per
 * buffer; and the walk lets the CPU go between buckets. A read at any
 * other offset (a seek) walks from the start. Flows that come or go during
 * a dump may be missed or shown twice, as in /proc/net/tcp.
 */
#include <linux/jiffies.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>

#include "flowdump.h"
#include "netns.h"

struct tcphs_dump {
	struct seq_net_private p;	/* first: seq_file_net() needs it */
	struct tcphs_table_pos at;	/* of the flow at offset @next */
	loff_t next;			/* the offset the walk is at */
};

static struct tcphs_table *tcphs_dump_table(struct seq_file *seq)
{
	return &tcphs_pernet(seq_file_net(seq))->table;
}

static void *tcphs_dump_start(struct seq_file *seq, loff_t *pos)
	__acquires(RCU)
{
	struct tcphs_table *t = tcphs_dump_table(seq);
	struct tcphs_dump *d = seq->private;
	struct tcphs_flow *flow;

	rcu_read_lock();
	if (*pos != d->next || !*pos) {
		d->at = (struct tcphs_table_pos){};
		d->next = 0;
	}
	flow = tcphs_table_at(t, &d->at);
	for (; flow && d->next < *pos; d->next++)
		flow = tcphs_table_next(t, &d->at, flow);
	return flow;
}

static void *tcphs_dump_next(struct seq_file *seq, void *v, loff_t *pos)
{
	struct tcphs_dump *d = seq->private;

	++*pos;
	d->next = *pos;
	return tcphs_table_next(tcphs_dump_table(seq), &d->at, v);
}

static void tcphs_dump_stop(struct seq_file *seq, void *v)
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

/* " rtt=SERVER,CLIENT" in microseconds, "-" for a leg not measured. */
static void tcphs_show_rtt(struct seq_file *seq, const struct tcphs_flow *flow)
{
	enum tcphs_leg leg;
	u32 us;

	seq_puts(seq, " rtt=");
	for (leg = 0; leg < TCPHS_NR_LEGS; leg++) {
		if (leg)
			seq_putc(seq, ',');
		us = READ_ONCE(flow->rtt.us[leg]);
		if (us)
			seq_printf(seq, "%u", us);
		else
			seq_putc(seq, '-');
	}
}

static int tcphs_dump_show(struct seq_file *seq, void *v)
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
	tcphs_show_rtt(seq, flow);
	seq_printf(seq, " age=%u idle=%u%s\n", (now - flow->born) / HZ,
		   (now - READ_ONCE(flow->last)) / HZ,
		   tcphs_fsm_closing(&hs) ? " closing" : "");
	return 0;
}

static const struct seq_operations tcphs_dump_ops = {
	.start	= tcphs_dump_start,
	.next	= tcphs_dump_next,
	.stop	= tcphs_dump_stop,
	.show	= tcphs_dump_show,
};

int tcphs_flowdump_init(struct net *net)
{
	if (!proc_create_net("tcphs", 0440, net->proc_net, &tcphs_dump_ops,
			     sizeof(struct tcphs_dump)))
		return -ENOMEM;
	return 0;
}

void tcphs_flowdump_exit(struct net *net)
{
	remove_proc_entry("tcphs", net->proc_net);
}
