/* satmath.h: saturating uint64_t arithmetic, for figures a hostile or odd /proc file could make wrap. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_SATMATH_H
#define LW_SATMATH_H

#include <stdint.h>

/* a + b, or UINT64_MAX when it would overflow. */
static inline uint64_t lw_add_sat(uint64_t a, uint64_t b)
{
	uint64_t r;

	return __builtin_add_overflow(a, b, &r) ? UINT64_MAX : r;
}

/* a * b, or UINT64_MAX when it would overflow. */
static inline uint64_t lw_mul_sat(uint64_t a, uint64_t b)
{
	uint64_t r;

	return __builtin_mul_overflow(a, b, &r) ? UINT64_MAX : r;
}

#endif
