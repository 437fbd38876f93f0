/* hash - the small non-cryptographic hashes the feature extractor and the template memory share */
#ifndef CSP_HASH_H
#define CSP_HASH_H

#include <stddef.h>
#include <stdint.h>

#define HASH_FNV_BASIS 0xcbf29ce484222325ULL	/* FNV-1a 64-bit offset basis */
#define HASH_FNV_PRIME 0x100000001b3ULL

/* hash_fnv1a - FNV-1a over len more bytes, from state h */
static inline uint64_t
hash_fnv1a(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ p[i]) * HASH_FNV_PRIME;
	return h;
}

/*
 * hash_mix64 - the splitmix64 finaliser: every input bit moves every output
 * bit, so the top bits of an FNV-1a state can index a table
 */
static inline uint64_t
hash_mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

#endif
