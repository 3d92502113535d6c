// SPDX-License-Identifier: GPL-2.0
/*
 * The userspace stand-ins of module/compat.h, which the fuzzer and the
 * micro-benchmark build the pure core with, checked against known answers:
 * siphash() against the published SipHash-2-4 64-bit vectors, hsiphash()
 * against the 64-bit kernel's SipHash-1-3 ones, and the big-endian loads
 * against hand-made bytes. One "ok N" or "not ok N" line
 * per check, then a summary; the exit status is 1 if any check failed.
 *
 *   make -C fuzz vectors
 *
 * The vectors are those of the SipHash reference code, as the Linux kernel's
 * lib/siphash_kunit.c (linux-source-6.12, test_vectors_siphash[]) holds
 * them: key 00 01 .. 0f, message 00 01 .. len - 1, for len 0 .. 63; and
 * the hsiphash vectors of the same file for BITS_PER_LONG == 64
 * (test_vectors_hsiphash[]), same key and messages.
 */
#include <stdio.h>

#include "compat.h"

static const siphash_key_t test_key = {
	{ 0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL }
};

static const u64 test_vectors[64] = {
	0x726fdb47dd0e0e31ULL, 0x74f839c593dc67fdULL, 0x0d6c8009d9a94f5aULL,
	0x85676696d7fb7e2dULL, 0xcf2794e0277187b7ULL, 0x18765564cd99a68dULL,
	0xcbc9466e58fee3ceULL, 0xab0200f58b01d137ULL, 0x93f5f5799a932462ULL,
	0x9e0082df0ba9e4b0ULL, 0x7a5dbbc594ddb9f3ULL, 0xf4b32f46226bada7ULL,
	0x751e8fbc860ee5fbULL, 0x14ea5627c0843d90ULL, 0xf723ca908e7af2eeULL,
	0xa129ca6149be45e5ULL, 0x3f2acc7f57c29bdbULL, 0x699ae9f52cbe4794ULL,
	0x4bc1b3f0968dd39cULL, 0xbb6dc91da77961bdULL, 0xbed65cf21aa2ee98ULL,
	0xd0f2cbb02e3b67c7ULL, 0x93536795e3a33e88ULL, 0xa80c038ccd5ccec8ULL,
	0xb8ad50c6f649af94ULL, 0xbce192de8a85b8eaULL, 0x17d835b85bbb15f3ULL,
	0x2f2e6163076bcfadULL, 0xde4daaaca71dc9a5ULL, 0xa6a2506687956571ULL,
	0xad87a3535c49ef28ULL, 0x32d892fad841c342ULL, 0x7127512f72f27cceULL,
	0xa7f32346f95978e3ULL, 0x12e0b01abb051238ULL, 0x15e034d40fa197aeULL,
	0x314dffbe0815a3b4ULL, 0x027990f029623981ULL, 0xcadcd4e59ef40c4dULL,
	0x9abfd8766a33735cULL, 0x0e3ea96b5304a7d0ULL, 0xad0c42d6fc585992ULL,
	0x187306c89bc215a9ULL, 0xd4a60abcf3792b95ULL, 0xf935451de4f21df2ULL,
	0xa9538f0419755787ULL, 0xdb9acddff56ca510ULL, 0xd06c98cd5c0975ebULL,
	0xe612a3cb9ecba951ULL, 0xc766e62cfcadaf96ULL, 0xee64435a9752fe72ULL,
	0xa192d576b245165aULL, 0x0a8787bf8ecb74b2ULL, 0x81b3e73d20b49b6fULL,
	0x7fa8220ba3b2eceaULL, 0x245731c13ca42499ULL, 0xb78dbfaf3a8d83bdULL,
	0xea1ad565322a1a0bULL, 0x60e61c23a3795013ULL, 0x6606d7e446282b93ULL,
	0x6ca4ecb15c5f91e1ULL, 0x9f626da15c9625f3ULL, 0xe51b38608ef25f57ULL,
	0x958a324ceb064572ULL
};

static const hsiphash_key_t test_key_h = {
	{ 0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL }
};

static const u32 test_vectors_h[64] = {
	0x050fc4dcU, 0x7d57ca93U, 0x4dc7d44dU, 0xe7ddf7fbU, 0x88d38328U,
	0x49533b67U, 0xc59f22a7U, 0x9bb11140U, 0x8d299a8eU, 0x6c063de4U,
	0x92ff097fU, 0xf94dc352U, 0x57b4d9a2U, 0x1229ffa7U, 0xc0f95d34U,
	0x2a519956U, 0x7d908b66U, 0x63dbd80cU, 0xb473e63eU, 0x8d297d1cU,
	0xa6cce040U, 0x2b45f844U, 0xa320872eU, 0xdae6c123U, 0x67349c8cU,
	0x705b0979U, 0xca9913a5U, 0x4ade3b35U, 0xef6cd00dU, 0x4ab1e1f4U,
	0x43c5e663U, 0x8c21d1bcU, 0x16a7b60dU, 0x7a8ff9bfU, 0x1f2a753eU,
	0xbf186b91U, 0xada26206U, 0xa3c33057U, 0xae3a36a1U, 0x7b108392U,
	0x99e41531U, 0x3f1ad944U, 0xc8138825U, 0xc28949a6U, 0xfaf8876bU,
	0x9f042196U, 0x68b1d623U, 0x8b5114fdU, 0xdf074c46U, 0x12cc86b3U,
	0x0a52098fU, 0x9d292f9aU, 0xa2f41f12U, 0x43a71ed0U, 0x73f0bce6U,
	0x70a7e980U, 0x243c6d75U, 0xfdb71513U, 0xa67d8a08U, 0xb7e8f148U,
	0xf7a644eeU, 0x0f1837f2U, 0x4b6694e0U, 0xb7bbb3a8U
};

static unsigned int nr_checks, nr_failed;

static void check(bool ok, const char *what, unsigned long long got,
		  unsigned long long want)
{
	nr_checks++;
	if (ok) {
		printf("ok %u - %s\n", nr_checks, what);
		return;
	}
	nr_failed++;
	printf("not ok %u - %s: got %#llx, want %#llx\n", nr_checks, what,
	       got, want);
}

/*
 * Each vector twice: from an aligned buffer and from one a byte off, as
 * cookie.c and proxy.c hand in whatever their callers hold.
 */
static void check_siphash(void)
{
	union {
		u64 align;
		u8 b[8 + 64];
	} in, in_odd;
	char what[64];
	unsigned int i;
	u64 got;

	for (i = 0; i < 64; i++) {
		in.b[i] = (u8)i;
		in_odd.b[i + 1] = (u8)i;
	}
	for (i = 0; i < 64; i++) {
		got = siphash(in.b, i, &test_key);
		snprintf(what, sizeof(what), "siphash len %u", i);
		check(got == test_vectors[i], what, got, test_vectors[i]);
		got = siphash(in_odd.b + 1, i, &test_key);
		snprintf(what, sizeof(what), "siphash len %u unaligned", i);
		check(got == test_vectors[i], what, got, test_vectors[i]);
		got = hsiphash(in.b, i, &test_key_h);
		snprintf(what, sizeof(what), "hsiphash len %u", i);
		check(got == test_vectors_h[i], what, got, test_vectors_h[i]);
		got = hsiphash(in_odd.b + 1, i, &test_key_h);
		snprintf(what, sizeof(what), "hsiphash len %u unaligned", i);
		check(got == test_vectors_h[i], what, got, test_vectors_h[i]);
	}
}

static void check_unaligned(void)
{
	static const u8 b[] = { 0x80, 0x01, 0xfe, 0x7f, 0xc3 };

	check(get_unaligned_be16(b) == 0x8001, "get_unaligned_be16",
	      get_unaligned_be16(b), 0x8001);
	check(get_unaligned_be16(b + 1) == 0x01fe, "get_unaligned_be16 odd",
	      get_unaligned_be16(b + 1), 0x01fe);
	check(get_unaligned_be32(b) == 0x8001fe7fU, "get_unaligned_be32",
	      get_unaligned_be32(b), 0x8001fe7fU);
	check(get_unaligned_be32(b + 1) == 0x01fe7fc3U,
	      "get_unaligned_be32 odd", get_unaligned_be32(b + 1),
	      0x01fe7fc3U);
}

int main(void)
{
	check_siphash();
	check_unaligned();
	printf("1..%u\n", nr_checks);
	printf("siphash_vectors: %u passed, %u failed\n",
	       nr_checks - nr_failed, nr_failed);
	return nr_failed ? 1 : 0;
}
