// SPDX-License-Identifier: GPL-2.0
/*
 * net.tcphs.* : the per-namespace settings. Documentation/admin-guide.rst
 * describes each. A write holds exactly one value, a number in its range or
 * a mode's name, and an optional newline; anything else is EINVAL and
 * leaves the setting alone. The sysctl core lets only CAP_NET_ADMIN over
 * the namespace's owning user namespace write.
 */
#include <linux/sysctl.h>
#include <linux/string.h>
#include <linux/slab.h>
#include <net/net_namespace.h>

#include "sysctl.h"
#include "tcphs.h"

static const char *const tcphs_mode_names[TCPHS_NR_MODES] = {
	[TCPHS_MODE_OFF]	= "off",
	[TCPHS_MODE_TRACK]	= "track",
	[TCPHS_MODE_ENFORCE]	= "enforce",
};

/* Flows per bucket before max_flows says no, by default. */
#define TCPHS_FLOWS_PER_BUCKET	8
#define TCPHS_MAX_FLOWS_LIMIT	BIT(24)
/* Upper bound of every timeout: 30 days, far below jiffies overflow. */
#define TCPHS_TIMEOUT_MAX	(30 * 24 * 3600)

static int tcphs_one = 1;
static int tcphs_max_flows_limit = TCPHS_MAX_FLOWS_LIMIT;
static int tcphs_timeout_max = TCPHS_TIMEOUT_MAX;

/*
 * Defaults, in seconds. SYN_SENT outlives Linux's own SYN retries (6 by
 * default: 1 + 2 + ... + 32 s, then 64 s for the last answer = 127 s);
 * SYN_RCVD covers the responder's 5 SYN-ACK retries (63 s). An idle
 * established flow is kept as long as the kernel's keepalive waits before
 * its first probe (2 h). After both FINs a flow is kept for as long as
 * TIME-WAIT lasts (60 s), so late segments still find it.
 */
void tcphs_cfg_defaults(struct tcphs_cfg *cfg, unsigned int nbuckets)
{
	cfg->mode = TCPHS_MODE_TRACK;
	cfg->max_flows = min_t(unsigned int, nbuckets * TCPHS_FLOWS_PER_BUCKET,
			       TCPHS_MAX_FLOWS_LIMIT);
	cfg->timeout_syn_sent = 128;
	cfg->timeout_syn_rcvd = 64;
	cfg->timeout_established = 7200;
	cfg->timeout_close = 60;
}

/*
 * Copy a write into @word: one write at offset 0, shorter than @size, with
 * no NUL inside. proc_dostring() and proc_dointvec() would instead take the
 * first line or the first number and drop the rest, or take an empty write
 * as no change; here all of that is EINVAL.
 */
static int tcphs_sysctl_copy(char *word, size_t size, const void *buffer,
			     size_t len, loff_t pos)
{
	if (pos || !len || len >= size)
		return -EINVAL;
	memcpy(word, buffer, len);
	word[len] = '\0';
	return strlen(word) == len ? 0 : -EINVAL;
}

/* A mode, by name; one trailing newline is allowed. */
static int tcphs_sysctl_mode(const struct ctl_table *table, int write,
			     void *buffer, size_t *lenp, loff_t *ppos)
{
	int *mode = table->data;
	char word[16];
	struct ctl_table tmp = { .data = word, .maxlen = sizeof(word) };
	int m;

	if (!write) {
		strscpy(word, tcphs_mode_names[READ_ONCE(*mode)]);
		return proc_dostring(&tmp, 0, buffer, lenp, ppos);
	}
	if (tcphs_sysctl_copy(word, sizeof(word), buffer, *lenp, *ppos))
		return -EINVAL;
	m = sysfs_match_string(tcphs_mode_names, word);
	if (m < 0)
		return -EINVAL;
	WRITE_ONCE(*mode, m);
	*ppos += *lenp;
	return 0;
}

/* One decimal integer in [*extra1, *extra2]; one trailing newline. */
static int tcphs_sysctl_int(const struct ctl_table *table, int write,
			    void *buffer, size_t *lenp, loff_t *ppos)
{
	const int *lo = table->extra1, *hi = table->extra2;
	char num[16];
	int val;

	if (!write)
		return proc_dointvec(table, write, buffer, lenp, ppos);
	if (tcphs_sysctl_copy(num, sizeof(num), buffer, *lenp, *ppos) ||
	    kstrtoint(num, 10, &val) || val < *lo || val > *hi)
		return -EINVAL;
	WRITE_ONCE(*(int *)table->data, val);
	*ppos += *lenp;
	return 0;
}

#define TCPHS_SYSCTL_INT(name, lo, hi) {				\
	.procname	= #name,					\
	.data		= (void *)offsetof(struct tcphs_cfg, name),		\
	.maxlen		= sizeof(int),					\
	.mode		= 0644,						\
	.proc_handler	= tcphs_sysctl_int,				\
	.extra1		= (lo),						\
	.extra2		= (hi),						\
}

/* .data holds the offset in struct tcphs_cfg; the per-netns copy rebases. */
static const struct ctl_table tcphs_sysctl_template[] = {
	{
		.procname	= "mode",
		.data		= (void *)offsetof(struct tcphs_cfg, mode),
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= tcphs_sysctl_mode,
	},
	TCPHS_SYSCTL_INT(max_flows, SYSCTL_ZERO, &tcphs_max_flows_limit),
	TCPHS_SYSCTL_INT(timeout_syn_sent, &tcphs_one, &tcphs_timeout_max),
	TCPHS_SYSCTL_INT(timeout_syn_rcvd, &tcphs_one, &tcphs_timeout_max),
	TCPHS_SYSCTL_INT(timeout_established, &tcphs_one, &tcphs_timeout_max),
	TCPHS_SYSCTL_INT(timeout_close, &tcphs_one, &tcphs_timeout_max),
};

int tcphs_sysctl_init(struct net *net)
{
	struct tcphs_net *tn = tcphs_pernet(net);
	struct ctl_table *table;
	unsigned int i;

	table = kmemdup(tcphs_sysctl_template, sizeof(tcphs_sysctl_template),
			GFP_KERNEL);
	if (!table)
		return -ENOMEM;
	for (i = 0; i < ARRAY_SIZE(tcphs_sysctl_template); i++)
		table[i].data = (char *)&tn->cfg + (uintptr_t)table[i].data;

	tn->sysctl_hdr = register_net_sysctl_sz(net, "net/tcphs", table,
						ARRAY_SIZE(tcphs_sysctl_template));
	if (!tn->sysctl_hdr) {
		kfree(table);
		return -ENOMEM;
	}
	return 0;
}

void tcphs_sysctl_exit(struct net *net)
{
	struct tcphs_net *tn = tcphs_pernet(net);
	const struct ctl_table *table = tn->sysctl_hdr->ctl_table_arg;

	unregister_net_sysctl_table(tn->sysctl_hdr);
	kfree(table);
}
