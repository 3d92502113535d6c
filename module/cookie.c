// SPDX-License-Identifier: GPL-2.0
/* SYN cookies in the ISN alone; the layout is in cookie.h. */
#include "cookie.h"

/*
 * MSS values a cookie can hold: the minimum (RFC 9293 3.7.1), IPv6's
 * minimum MTU less 60, common tunnel and PPPoE sizes, Ethernet for IPv6
 * and IPv4, and a jumbo frame.
 */
const u16 tcphs_cookie_mss[8] = {
	536, 1220, 1300, 1360, 1400, 1440, 1460, 8940
};

/*
 * Window scales a cookie can hold; index 0 is "no option". 7 is Linux's
 * default with its 6 MiB tcp_rmem, 14 the largest (RFC 7323 2.3).
 */
const u8 tcphs_cookie_wscale[8] = {
	TCPHS_NO_WSCALE, 0, 2, 4, 7, 8, 10, 14
};

#define TCPHS_COOKIE_FIELDS	0x7f	/* bits 6..0 */
#define TCPHS_COOKIE_PARITY	0x80

static unsigned int tcphs_mss_index(u16 mss)
{
	unsigned int i = ARRAY_SIZE(tcphs_cookie_mss) - 1;

	while (i && tcphs_cookie_mss[i] > mss)
		i--;
	return i;
}

static unsigned int tcphs_wscale_index(u8 wscale)
{
	unsigned int i = ARRAY_SIZE(tcphs_cookie_wscale) - 1;

	if (wscale == TCPHS_NO_WSCALE)
		return 0;
	while (i > 1 && tcphs_cookie_wscale[i] > wscale)
		i--;
	return i;
}

static u32 tcphs_cookie_fields(const struct tcphs_synopts *opts)
{
	return tcphs_mss_index(opts->mss) << 4 |
	       tcphs_wscale_index(opts->wscale) << 1 | opts->sack;
}

/*
 * SipHash of the ends with only the address bytes the family has, then
 * @nr_extra words: an IPv4 tuple is 12 bytes, not 36, and SipHash's cost
 * grows with every 8 bytes. The message length keeps the families apart.
 */
u64 tcphs_ends_siphash(const siphash_key_t *key,
		       const struct tcphs_ends *ends, const u32 *extra,
		       unsigned int nr_extra)
{
	u32 msg[4 + 4 + 1 + TCPHS_ENDS_EXTRA_MAX];
	unsigned int len, i;

	if (ends->v6) {
		memcpy(msg, ends->saddr, sizeof(ends->saddr));
		memcpy(msg + 4, ends->daddr, sizeof(ends->daddr));
		len = 8;
	} else {
		memcpy(msg, ends->saddr, sizeof(u32));
		memcpy(msg + 1, ends->daddr, sizeof(u32));
		len = 2;
	}
	memcpy(msg + len, &ends->sport, sizeof(__be16));
	memcpy((u8 *)(msg + len) + sizeof(__be16), &ends->dport,
	       sizeof(__be16));
	len++;
	for (i = 0; i < nr_extra && i < TCPHS_ENDS_EXTRA_MAX; i++)
		msg[len++] = extra[i];
	return siphash(msg, len * sizeof(u32), key);
}

/*
 * The top 24 bits of SipHash over everything a cookie vouches for. The
 * period is shifted out of its top 8 bits, which change once in 34 years.
 */
static u32 tcphs_cookie_mac(const siphash_key_t *key,
			    const struct tcphs_ends *ends, u32 client_isn,
			    u32 period, u32 low_bits)
{
	const u32 extra[TCPHS_ENDS_EXTRA_MAX] = {
		client_isn, period << 8 | low_bits
	};

	return (u32)(tcphs_ends_siphash(key, ends, extra,
					ARRAY_SIZE(extra)) >> 40);
}

u32 tcphs_cookie_make(const struct tcphs_cookie_keys *keys,
		      const struct tcphs_ends *ends, u32 client_isn,
		      u32 period, const struct tcphs_synopts *opts)
{
	u32 low = tcphs_cookie_fields(opts) |
		  (period & 1 ? TCPHS_COOKIE_PARITY : 0);

	return tcphs_cookie_mac(&keys->cur, ends, client_isn, period, low) << 8 |
	       low;
}

static void tcphs_cookie_decode(u32 cookie, struct tcphs_synopts *opts)
{
	opts->mss = tcphs_cookie_mss[(cookie >> 4) & 7];
	opts->wscale = tcphs_cookie_wscale[(cookie >> 1) & 7];
	opts->sack = cookie & 1;
}

/*
 * The parity bit names the period: now or the one before. The key is the
 * current one, or the previous one while it is still within one period of
 * the rotation that retired it.
 */
bool tcphs_cookie_check(const struct tcphs_cookie_keys *keys,
			const struct tcphs_ends *ends, u32 client_isn,
			u32 cookie, u32 now, struct tcphs_synopts *opts)
{
	u32 low = cookie & 0xff, mac = cookie >> 8;
	bool odd = cookie & TCPHS_COOKIE_PARITY;
	u32 period = (now & 1) == odd ? now : now - 1;
	bool good;

	good = tcphs_cookie_mac(&keys->cur, ends, client_isn, period,
				low) == mac;
	if (!good && keys->has_prev && now - keys->rotated <= 1)
		good = tcphs_cookie_mac(&keys->prev, ends, client_isn, period,
					low) == mac;
	if (good)
		tcphs_cookie_decode(cookie, opts);
	return good;
}

void tcphs_cookie_rotate(struct tcphs_cookie_keys *keys,
			 const siphash_key_t *fresh, u32 now)
{
	keys->prev = keys->cur;
	keys->cur = *fresh;
	keys->rotated = now;
	keys->has_prev = true;
}
