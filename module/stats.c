// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/stat/tcphs: a header line, then one line of hex counters per
 * possible CPU, as /proc/net/stat/nf_conntrack and synproxy lay them out.
 * The first column, entries, is the namespace's flow count (not per CPU).
 * /proc/net/stat/tcphs_rtt: the handshake legs' histograms, summed.
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>

#include "netns.h"
#include "stats.h"

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
	[TCPHS_STAT_EVICTED]		= "evicted",
	[TCPHS_STAT_UNTRACKED_PASSED]	= "untracked_passed",
	[TCPHS_STAT_ALLOC_FAILED]	= "alloc_failed",
	[TCPHS_STAT_SYN_RETRANS]	= "syn_retrans",
	[TCPHS_STAT_SYNACK_RETRANS]	= "synack_retrans",
	[TCPHS_STAT_RESTARTS]		= "restarts",
	[TCPHS_STAT_SIMULTANEOUS]	= "simultaneous",
	[TCPHS_STAT_SYN_DATA]		= "syn_data",
	[TCPHS_STAT_RST_IN_WINDOW]	= "rst_in_window",
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
	[TCPHS_STAT_PROXY_ICMP]		= "proxy_icmp",
	[TCPHS_STAT_PROXY_STRAY]	= "proxy_stray",
	[TCPHS_STAT_PROXY_SYNACK_FORGED] = "proxy_synack_forged",
	[TCPHS_STAT_PROXY_MSS_REFUSED]	= "proxy_mss_refused",
	[TCPHS_STAT_PROXY_MARTIAN]	= "proxy_martian",
	[TCPHS_STAT_PROXY_SYN_DATA]	= "proxy_syn_data",
	[TCPHS_STAT_PROXY_ABSORBED]	= "proxy_absorbed",
	[TCPHS_STAT_PROXY_FULL_RESET]	= "proxy_full_reset",
	[TCPHS_STAT_PROXY_COOKIE_UNSENT]	= "proxy_cookie_unsent",
	[TCPHS_STAT_PROXY_ENDED]	= "proxy_ended",
	[TCPHS_STAT_PROXY_HELD_CAPPED]	= "proxy_held_capped",
	[TCPHS_STAT_PROXY_PAUSED]	= "proxy_paused",
	[TCPHS_STAT_PROXY_RESUMED]	= "proxy_resumed",
	[TCPHS_STAT_EVENTS_LOST]	= "events_lost",
};

const char *tcphs_stat_name(unsigned int i)
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

/*
 * Position 0 is the header; position cpu + 1 is that CPU's line. The first
 * possible CPU from @cpu on, its position into *pos: a read that resumes
 * at *pos shows that line again, not the next one.
 */
static void *tcphs_cpu_from(struct seq_file *seq, int cpu, loff_t *pos)
{
	struct tcphs_net *tn = tcphs_pernet(seq_file_net(seq));

	for (; cpu < nr_cpu_ids; cpu++) {
		if (!cpu_possible(cpu))
			continue;
		*pos = cpu + 1;
		return per_cpu_ptr(tn->stats, cpu);
	}
	return NULL;
}

static void *tcphs_stat_start(struct seq_file *seq, loff_t *pos)
{
	if (*pos == 0)
		return SEQ_START_TOKEN;
	return tcphs_cpu_from(seq, *pos - 1, pos);
}

static void *tcphs_stat_next(struct seq_file *seq, void *v, loff_t *pos)
{
	/* From the header, CPU 0; from CPU n's line (at n + 1), n + 1. */
	void *next = tcphs_cpu_from(seq, v == SEQ_START_TOKEN ? 0 : *pos, pos);

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

/* A histogram bucket of @tn's, summed over the CPUs (also nl.c's). */
unsigned int tcphs_rtt_sum(const struct tcphs_net *tn, unsigned int fam,
			   unsigned int leg, unsigned int bucket)
{
	unsigned int n = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		n += per_cpu_ptr(tn->stats, cpu)->rtt[fam][leg][bucket];
	return n;
}

/*
 * A header of each bucket's lower bound in microseconds, then a line per
 * leg and family of decimal counts, summed over the CPUs:
 *
 *   leg family 0 1 2 4 ... 4194304
 *   server ipv4 0 0 0 0 ... 0
 */
static int tcphs_rtt_show(struct seq_file *seq, void *v)
{
	struct tcphs_net *tn = tcphs_pernet(seq_file_single_net(seq));
	static const char *const legs[] = { "server", "client" };
	unsigned int fam, leg, i;

	seq_puts(seq, "leg family");
	for (i = 0; i < TCPHS_RTT_BUCKETS; i++)
		seq_printf(seq, " %u", tcphs_rtt_bucket_low(i));
	seq_putc(seq, '\n');
	for (leg = 0; leg < TCPHS_NR_LEGS; leg++) {
		for (fam = 0; fam < 2; fam++) {
			seq_printf(seq, "%s ipv%c", legs[leg], fam ? '6' : '4');
			for (i = 0; i < TCPHS_RTT_BUCKETS; i++)
				seq_printf(seq, " %u",
					   tcphs_rtt_sum(tn, fam, leg, i));
			seq_putc(seq, '\n');
		}
	}
	return 0;
}

int tcphs_stats_proc_init(struct net *net)
{
	if (!proc_create_net("tcphs", 0444, net->proc_net_stat, &tcphs_stat_ops,
			     sizeof(struct seq_net_private)))
		return -ENOMEM;
	if (!proc_create_net_single("tcphs_rtt", 0444, net->proc_net_stat,
				    tcphs_rtt_show, NULL)) {
		remove_proc_entry("tcphs", net->proc_net_stat);
		return -ENOMEM;
	}
	return 0;
}

void tcphs_stats_proc_exit(struct net *net)
{
	remove_proc_entry("tcphs_rtt", net->proc_net_stat);
	remove_proc_entry("tcphs", net->proc_net_stat);
}
