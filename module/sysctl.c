// SPDX-License-Identifier: GPL-2.0
/*
 * net.tcphs.* : the per-namespace settings. Documentation/admin-guide.rst
 * describes each. A write holds exactly one value, a number in its range or
 * a mode's name, and an optional newline; anything else is EINVAL and
 * leaves the setting alone. The sysctl core lets only CAP_NET_ADMIN over
 * the namespace's owning user namespace write. The limits on memory
 * (max_flows, proxy_halfopen_max, proxy_held_max) of any namespace but
 * init_net can be lowered, never raised above init_net's: root of a user
 * namespace owns its network namespaces, not the host's memory.
 */
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/sysctl.h>
#include <linux/string.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/ktime.h>
#include <net/net_namespace.h>

#define _TCPHS_WANT_SYSCTL
#include "isn.h"
#include "kcompat.h"
#include "netns.h"
#include "sysctl.h"

static const char *const tcphs_mode_names[TCPHS_NR_MODES] = {
	[TCPHS_MODE_OFF]	= "off",
	[TCPHS_MODE_TRACK]	= "track",
	[TCPHS_MODE_ENFORCE]	= "enforce",
	[TCPHS_MODE_PROXY]	= "proxy",
};

/* Writers of cfg->ports and cfg->secrets, in every namespace. */
static DEFINE_MUTEX(tcphs_cfg_mutex);

/* Flows per bucket before max_flows says no, by default. */
#define TCPHS_FLOWS_PER_BUCKET	8
#define TCPHS_MAX_FLOWS_LIMIT	BIT(24)
/*
 * Upper bound of every timeout: 24 days. Flow times are 32-bit jiffies
 * (time_after32), which order two instants up to 2^31 ticks apart: 24.8
 * days at HZ=1000, the highest HZ.
 */
#define TCPHS_TIMEOUT_MAX	(24 * 24 * 3600)

/* Bytes a namespace may hold for its servers by default, and at most. */
#define TCPHS_HELD_DEFAULT	SZ_4M
#define TCPHS_HELD_LIMIT	SZ_1G

static int tcphs_one = 1;
static int tcphs_timeout_max = TCPHS_TIMEOUT_MAX;

/* A limit on memory: its range, and where it is in struct tcphs_cfg. */
struct tcphs_limit {
	int lo;
	int hi;
	size_t off;
};

#define TCPHS_LIMIT(name, max) \
	{ .lo = 0, .hi = (max), .off = offsetof(struct tcphs_cfg, name) }

static const struct tcphs_limit tcphs_max_flows_limit =
	TCPHS_LIMIT(max_flows, TCPHS_MAX_FLOWS_LIMIT);
static const struct tcphs_limit tcphs_halfopen_limit =
	TCPHS_LIMIT(proxy_halfopen_max, TCPHS_MAX_FLOWS_LIMIT);
static const struct tcphs_limit tcphs_held_limit =
	TCPHS_LIMIT(proxy_held_max, TCPHS_HELD_LIMIT);

static struct tcphs_secrets *tcphs_secrets_new(void)
{
	struct tcphs_secrets *sec = kzalloc(sizeof(*sec), GFP_KERNEL);

	if (!sec)
		return NULL;
	get_random_bytes(&sec->isn, sizeof(sec->isn));
	get_random_bytes(&sec->cookie.cur, sizeof(sec->cookie.cur));
	return sec;
}

/*
 * Defaults, in seconds. SYN_SENT outlives Linux's own SYN retries (6 by
 * default: 1 + 2 + ... + 32 s, then 64 s for the last answer = 127 s);
 * SYN_RCVD covers the responder's 5 SYN-ACK retries (63 s). An idle
 * established flow is kept 5 days, as conntrack keeps one: well past the
 * first keepalive probe (2 h), so a connection that keeps itself alive
 * keeps its flow (and its translation). After both FINs a flow is kept for as long as
 * TIME-WAIT lasts (60 s), so late segments still find it.
 */
int tcphs_cfg_init(struct tcphs_cfg *cfg, unsigned int nbuckets,
		   const struct tcphs_cfg *init)
{
	struct tcphs_secrets *sec = tcphs_secrets_new();

	if (!sec)
		return -ENOMEM;
	cfg->mode = TCPHS_MODE_TRACK;
	cfg->max_flows = min_t(unsigned int, nbuckets * TCPHS_FLOWS_PER_BUCKET,
			       TCPHS_MAX_FLOWS_LIMIT);
	cfg->proxy_halfopen_max = cfg->max_flows / 4;
	cfg->proxy_held_max = TCPHS_HELD_DEFAULT;
	if (init) {
		cfg->max_flows = min(cfg->max_flows,
				     READ_ONCE(init->max_flows));
		cfg->proxy_halfopen_max = min(cfg->proxy_halfopen_max,
					      READ_ONCE(init->proxy_halfopen_max));
		cfg->proxy_held_max = min(cfg->proxy_held_max,
					  READ_ONCE(init->proxy_held_max));
	}
	cfg->timeout_syn_sent = 128;
	cfg->timeout_syn_rcvd = 64;
	cfg->timeout_established = 5 * 24 * 3600;
	cfg->timeout_close = 60;
	cfg->isn_policy = TCPHS_ISN_RFC6528;
	RCU_INIT_POINTER(cfg->ports, NULL);
	RCU_INIT_POINTER(cfg->secrets, sec);
	return 0;
}

/* No reader is left: the hooks are gone. */
void tcphs_cfg_exit(struct tcphs_cfg *cfg)
{
	kfree(rcu_dereference_protected(cfg->ports, true));
	kfree(rcu_dereference_protected(cfg->secrets, true));
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
static int tcphs_sysctl_mode(tcphs_ctl_table *table, int write,
			     void *buffer, size_t *lenp, loff_t *ppos)
{
	int *mode = table->data;
	char word[16];
	struct ctl_table tmp = { .data = word, .maxlen = sizeof(word) };
	int m, err;

	if (!write) {
		strscpy(word, tcphs_mode_names[READ_ONCE(*mode)], sizeof(word));
		return proc_dostring(&tmp, 0, buffer, lenp, ppos);
	}
	if (tcphs_sysctl_copy(word, sizeof(word), buffer, *lenp, *ppos))
		return -EINVAL;
	m = sysfs_match_string(tcphs_mode_names, word);
	if (m < 0)
		return -EINVAL;
	mutex_lock(&tcphs_cfg_mutex);
	err = tcphs_net_set_mode(container_of(mode, struct tcphs_cfg, mode), m);
	mutex_unlock(&tcphs_cfg_mutex);
	if (err)
		return err;
	*ppos += *lenp;
	return 0;
}

/* One decimal integer in [*extra1, *extra2]; one trailing newline. */
static int tcphs_sysctl_int(tcphs_ctl_table *table, int write,
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

/*
 * A limit on memory: a number in its range, and in any namespace but
 * init_net at most init_net's value as the write finds it.
 */
static int tcphs_sysctl_limit(tcphs_ctl_table *table, int write,
			      void *buffer, size_t *lenp, loff_t *ppos)
{
	const struct tcphs_limit *lim = table->extra1;
	const struct tcphs_cfg *cfg = (void *)((char *)table->data - lim->off);
	const struct tcphs_cfg *init = &tcphs_pernet(&init_net)->cfg;
	int hi = lim->hi;
	struct ctl_table bounded = *table;

	if (cfg != init)
		hi = min(hi, READ_ONCE(*(int *)((char *)init + lim->off)));
	bounded.extra1 = (void *)&lim->lo;
	bounded.extra2 = &hi;
	return tcphs_sysctl_int(&bounded, write, buffer, lenp, ppos);
}

/* An ISN policy, by name; "fixed" only with the test_mode parameter. */
static int tcphs_sysctl_isn(tcphs_ctl_table *table, int write,
			    void *buffer, size_t *lenp, loff_t *ppos)
{
	int *policy = table->data;
	char word[16];
	struct ctl_table tmp = { .data = word, .maxlen = sizeof(word) };
	int p;

	if (!write) {
		strscpy(word, tcphs_isn_policy_names[READ_ONCE(*policy)],
			sizeof(word));
		return proc_dostring(&tmp, 0, buffer, lenp, ppos);
	}
	if (tcphs_sysctl_copy(word, sizeof(word), buffer, *lenp, *ppos))
		return -EINVAL;
	p = sysfs_match_string(tcphs_isn_policy_names, word);
	if (p < 0 || (p == TCPHS_ISN_FIXED && !tcphs_test_mode))
		return -EINVAL;
	WRITE_ONCE(*policy, p);
	*ppos += *lenp;
	return 0;
}

/* "lo" or "lo-hi", 1 <= lo <= hi <= 65535. */
static int tcphs_parse_range(char *item, u16 *lo, u16 *hi)
{
	char *dash = strchr(item, '-');

	if (dash)
		*dash++ = '\0';
	if (kstrtou16(item, 10, lo) || !*lo)
		return -EINVAL;
	if (!dash) {
		*hi = *lo;
		return 0;
	}
	return kstrtou16(dash, 10, hi) || *hi < *lo ? -EINVAL : 0;
}

/* Drop the one newline a write may end with. */
static void tcphs_chomp(char *word)
{
	size_t len = strlen(word);

	if (len && word[len - 1] == '\n')
		word[len - 1] = '\0';
}

/* A comma-separated list of ports and ranges; a lone newline empties it. */
static int tcphs_parse_ports(char *list, struct tcphs_ports *ports)
{
	char *item;

	tcphs_chomp(list);
	if (list[strspn(list, "0123456789,-")])
		return -EINVAL;
	if (!*list)
		return 0;
	while ((item = strsep(&list, ",")) != NULL) {
		if (ports->nr == TCPHS_MAX_PORT_RANGES ||
		    tcphs_parse_range(item, &ports->range[ports->nr].lo,
				      &ports->range[ports->nr].hi))
			return -EINVAL;
		ports->nr++;
	}
	return 0;
}

static void tcphs_format_ports(const struct tcphs_ports *ports, char *buf,
			       size_t size)
{
	unsigned int i, n = 0;

	buf[0] = '\0';
	for (i = 0; ports && i < ports->nr; i++) {
		n += scnprintf(buf + n, size - n, "%s%u", i ? "," : "",
			       ports->range[i].lo);
		if (ports->range[i].hi != ports->range[i].lo)
			n += scnprintf(buf + n, size - n, "-%u",
				       ports->range[i].hi);
	}
}

#define TCPHS_PORTS_TEXT	(TCPHS_MAX_PORT_RANGES * 12)

static int tcphs_sysctl_ports(tcphs_ctl_table *table, int write,
			      void *buffer, size_t *lenp, loff_t *ppos)
{
	struct tcphs_ports __rcu **slot = table->data;
	char text[TCPHS_PORTS_TEXT];
	struct ctl_table tmp = { .data = text, .maxlen = sizeof(text) };
	struct tcphs_ports *ports, *old;

	if (!write) {
		rcu_read_lock();
		tcphs_format_ports(rcu_dereference(*slot), text, sizeof(text));
		rcu_read_unlock();
		return proc_dostring(&tmp, 0, buffer, lenp, ppos);
	}
	if (tcphs_sysctl_copy(text, sizeof(text), buffer, *lenp, *ppos))
		return -EINVAL;
	ports = kzalloc(sizeof(*ports), GFP_KERNEL);
	if (!ports)
		return -ENOMEM;
	if (tcphs_parse_ports(text, ports)) {
		kfree(ports);
		return -EINVAL;
	}
	mutex_lock(&tcphs_cfg_mutex);
	old = rcu_replace_pointer(*slot, ports,
				  lockdep_is_held(&tcphs_cfg_mutex));
	mutex_unlock(&tcphs_cfg_mutex);
	if (old)
		kfree_rcu(old, rcu);
	*ppos += *lenp;
	return 0;
}

/*
 * A write of 1 draws a new RFC 6528 key and a new cookie key; cookies of
 * the key it replaces stay good for one more period (cookie.h).
 */
static int tcphs_sysctl_rotate(tcphs_ctl_table *table, int write,
			       void *buffer, size_t *lenp, loff_t *ppos)
{
	struct tcphs_cfg *cfg = container_of((int *)table->data,
					     struct tcphs_cfg, rotate_keys);
	struct tcphs_secrets *sec, *old;
	siphash_key_t fresh;
	char num[4];

	if (!write)
		return proc_dointvec(table, write, buffer, lenp, ppos);
	if (tcphs_sysctl_copy(num, sizeof(num), buffer, *lenp, *ppos))
		return -EINVAL;
	tcphs_chomp(num);
	if (strcmp(num, "1"))
		return -EINVAL;
	sec = kzalloc(sizeof(*sec), GFP_KERNEL);
	if (!sec)
		return -ENOMEM;
	get_random_bytes(&sec->isn, sizeof(sec->isn));
	get_random_bytes(&fresh, sizeof(fresh));
	mutex_lock(&tcphs_cfg_mutex);
	old = rcu_dereference_protected(cfg->secrets,
					lockdep_is_held(&tcphs_cfg_mutex));
	sec->cookie = old->cookie;
	tcphs_cookie_rotate(&sec->cookie, &fresh,
			    tcphs_cookie_period(ktime_get_ns()));
	rcu_assign_pointer(cfg->secrets, sec);
	mutex_unlock(&tcphs_cfg_mutex);
	kfree_rcu(old, rcu);
	memzero_explicit(&fresh, sizeof(fresh));
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

#define TCPHS_SYSCTL_LIMIT(name, limit) {				\
	.procname	= #name,					\
	.data		= (void *)offsetof(struct tcphs_cfg, name),		\
	.maxlen		= sizeof(int),					\
	.mode		= 0644,						\
	.proc_handler	= tcphs_sysctl_limit,				\
	.extra1		= (void *)&(limit),				\
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
	TCPHS_SYSCTL_LIMIT(max_flows, tcphs_max_flows_limit),
	TCPHS_SYSCTL_INT(timeout_syn_sent, &tcphs_one, &tcphs_timeout_max),
	TCPHS_SYSCTL_INT(timeout_syn_rcvd, &tcphs_one, &tcphs_timeout_max),
	TCPHS_SYSCTL_INT(timeout_established, &tcphs_one, &tcphs_timeout_max),
	TCPHS_SYSCTL_INT(timeout_close, &tcphs_one, &tcphs_timeout_max),
	TCPHS_SYSCTL_LIMIT(proxy_halfopen_max, tcphs_halfopen_limit),
	TCPHS_SYSCTL_LIMIT(proxy_held_max, tcphs_held_limit),
	{
		.procname	= "isn_policy",
		.data		= (void *)offsetof(struct tcphs_cfg, isn_policy),
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= tcphs_sysctl_isn,
	},
	{
		.procname	= "proxy_ports",
		.data		= (void *)offsetof(struct tcphs_cfg, ports),
		.maxlen		= TCPHS_PORTS_TEXT,
		.mode		= 0644,
		.proc_handler	= tcphs_sysctl_ports,
	},
	{
		.procname	= "rotate_keys",
		.data		= (void *)offsetof(struct tcphs_cfg, rotate_keys),
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= tcphs_sysctl_rotate,
	},
};

/* net/tcphs of @net, on @cfg; NULL if out of memory. */
struct ctl_table_header *tcphs_sysctl_init(struct net *net,
					   struct tcphs_cfg *cfg)
{
	struct ctl_table_header *hdr;
	struct ctl_table *table;
	unsigned int i;

	/* One more, left empty: where the table ends, for kernels before 6.6. */
	table = kcalloc(ARRAY_SIZE(tcphs_sysctl_template) + 1, sizeof(*table),
			GFP_KERNEL_ACCOUNT);
	if (!table)
		return NULL;
	memcpy(table, tcphs_sysctl_template, sizeof(tcphs_sysctl_template));
	for (i = 0; i < ARRAY_SIZE(tcphs_sysctl_template); i++)
		table[i].data = (char *)cfg + (uintptr_t)table[i].data;

	hdr = tcphs_register_net_sysctl(net, "net/tcphs", table,
					ARRAY_SIZE(tcphs_sysctl_template));
	if (!hdr)
		kfree(table);
	return hdr;
}

void tcphs_sysctl_exit(struct ctl_table_header *hdr)
{
	const struct ctl_table *table = hdr->ctl_table_arg;

	unregister_net_sysctl_table(hdr);
	kfree(table);
}
