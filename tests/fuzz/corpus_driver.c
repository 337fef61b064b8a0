/*
 * corpus_driver.c: runs a libFuzzer target without libFuzzer (gcc builds, `make check`): every
 * seed file given, then a fixed number of deterministic mutations of each, so sanitizer builds
 * exercise the parsers on hostile input in every test run.
 */
/* SPDX-License-Identifier: ISC */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* How many parsers a multi-parser target has behind its first byte, if it says (weak: others
 * do not); the default covers targets that ignore the byte. */
extern const unsigned lw_fuzz_selectors __attribute__((weak));
#define DEFAULT_SELECTORS 16u

#define MAX_INPUT 65536

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t next_random(void)
{
	/* xorshift64*: reproducible across runs, so a failure replays with the same seed. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1du;
}

static size_t mutate(uint8_t *buf, size_t len)
{
	static const char interesting[] = "0123456789 \t\n:/-.,kB#\0\xff";
	unsigned edits = 1 + (unsigned)(next_random() % 8);

	for (unsigned i = 0; i < edits; i++) {
		uint64_t r = next_random();
		size_t pos = len ? (size_t)(r >> 8) % len : 0;

		switch (r % 5) {
		case 0: /* overwrite with an interesting byte */
			if (len)
				buf[pos] = (uint8_t)interesting[(r >> 32) % (sizeof(interesting) - 1)];
			break;
		case 1: /* flip a bit */
			if (len)
				buf[pos] ^= (uint8_t)(1u << ((r >> 40) % 8));
			break;
		case 2: /* truncate */
			len = pos;
			break;
		case 3: /* duplicate a chunk */
			if (len && len < MAX_INPUT / 2) {
				size_t n = 1 + (size_t)(r >> 24) % (len - pos);
				memmove(buf + pos + n, buf + pos, len - pos);
				len += n;
			}
			break;
		default: /* insert a digit run (overflow hunting) */
			if (len + 24 < MAX_INPUT) {
				memmove(buf + pos + 24, buf + pos, len - pos);
				memset(buf + pos, '9', 24);
				len += 24;
			}
			break;
		}
	}
	return len;
}

int main(int argc, char **argv)
{
	static uint8_t seed[MAX_INPUT], work[MAX_INPUT];
	long mutations = 2000;
	int first = 1, inputs = 0;
	unsigned selectors = &lw_fuzz_selectors != NULL ? lw_fuzz_selectors : DEFAULT_SELECTORS;

	if (argc > 2 && strcmp(argv[1], "-n") == 0) {
		mutations = strtol(argv[2], NULL, 10);
		first = 3;
	}
	for (int i = first; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		size_t len;

		if (f == NULL) {
			perror(argv[i]);
			return 1;
		}
		len = fread(seed, 1, MAX_INPUT / 2, f);
		fclose(f);
		for (unsigned sel = 0; sel < selectors; sel++) {
			/* The first byte selects the parser in multi-parser targets. */
			work[0] = (uint8_t)sel;
			memcpy(work + 1, seed, len);
			LLVMFuzzerTestOneInput(work, len + 1);
			LLVMFuzzerTestOneInput(seed, len);
			for (long m = 0; m < mutations; m++) {
				size_t n;

				work[0] = (uint8_t)sel;
				memcpy(work + 1, seed, len);
				n = mutate(work + 1, len);
				LLVMFuzzerTestOneInput(work, n + 1);
			}
		}
		inputs++;
	}
	printf("%d seeds, %ld mutations each per parser: no crash\n", inputs, mutations);
	return inputs > 0 ? 0 : 1;
}
