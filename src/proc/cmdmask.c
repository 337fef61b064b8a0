/* cmdmask.c: process_cmdline mask: secret-looking values of a raw argv replaced by a marker. */
/* SPDX-License-Identifier: ISC */
#include "proc/cmdmask.h"

#include <stdbool.h>
#include <string.h>

/* Whole parts only: "compass" or "monkey" are not secrets. */
static const char *const words[] = {
	"password", "passwd", "pass", "pwd", "passphrase", "secret", "token", "key", "apikey",
	"credential", "credentials", "storepass", "keypass",
};

/* A part may also end with these (camelCase names: keyStorePassword, authToken). */
static const char *const suffixes[] = { "password", "passwd", "passphrase", "secret", "token" };

struct writer {
	char *out;
	size_t cap, n;
};

static void put(struct writer *w, const char *s, size_t n)
{
	size_t room = w->cap - w->n;

	if (n > room)
		n = room;
	memcpy(w->out + w->n, s, n);
	w->n += n;
}

static void marker(struct writer *w)
{
	put(w, LW_CMDMASK_MARKER, sizeof(LW_CMDMASK_MARKER) - 1);
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool equal_nocase(const char *s, size_t n, const char *word)
{
	size_t wn = strlen(word);

	if (n != wn)
		return false;
	for (size_t i = 0; i < n; i++)
		if (lower(s[i]) != word[i])
			return false;
	return true;
}

static bool ends_nocase(const char *s, size_t n, const char *word)
{
	size_t wn = strlen(word);

	return n >= wn && equal_nocase(s + n - wn, wn, word);
}

/*
 * s[0..n) is a secret word: its last part after '-', '_' or '.' is one, or with suffixes ends
 * with one of the long ones (see cmdmask.h).
 */
static bool secret_word(const char *s, size_t n, bool suffix)
{
	size_t start = n;

	while (start > 0 && s[start - 1] != '-' && s[start - 1] != '_' && s[start - 1] != '.')
		start--;
	s += start;
	n -= start;
	if (n == 0)
		return false;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (equal_nocase(s, n, words[i]))
			return true;
	for (size_t i = 0; suffix && i < sizeof(suffixes) / sizeof(suffixes[0]); i++)
		if (ends_nocase(s, n, suffixes[i]))
			return true;
	return false;
}

static bool word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.';
}

/* Rule 1: -NAME or --NAME a secret word. *hide_next when the value is the next argument. */
static bool secret_option(struct writer *w, const char *a, size_t n, bool *hide_next)
{
	size_t dashes = n > 1 && a[1] == '-' ? 2 : 1;
	const char *eq = memchr(a, '=', n);
	size_t name_end = eq ? (size_t)(eq - a) : n;

	if (n == 0 || a[0] != '-' || name_end <= dashes)
		return false;
	if (name_end - dashes >= 3 && equal_nocase(a + dashes, 3, "no-"))
		return false;
	/* One dash: whole words only, so that -pSECRET is rule 2's (-p***), not a name. */
	if (!secret_word(a + dashes, name_end - dashes, dashes == 2))
		return false;
	if (eq == NULL) {
		put(w, a, n);
		*hide_next = true;
		return true;
	}
	put(w, a, name_end + 1);
	if (name_end + 1 < n)
		marker(w);
	return true;
}

/*
 * A port, port range or port mapping as -p VALUE gives it to docker, podman or ssh (22,
 * 8000-8100, 9091:9090, 127.0.0.1:80:80/udp): digits and ".:-/", an optional /tcp, /udp or
 * /sctp at the end.
 */
static bool port_like(const char *a, size_t n)
{
	static const char *const protos[] = { "/tcp", "/udp", "/sctp" };
	bool digit = false;

	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
		size_t pn = strlen(protos[i]);

		if (n > pn && memcmp(a + n - pn, protos[i], pn) == 0) {
			n -= pn;
			break;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (a[i] >= '0' && a[i] <= '9')
			digit = true;
		else if (a[i] != '.' && a[i] != ':' && a[i] != '-' && a[i] != '/')
			return false;
	}
	return digit;
}

/* Rule 2: "-p" then the next argument, or "-pVALUE". */
static bool short_p(struct writer *w, const char *a, size_t n, bool *hide_next)
{
	if (n < 2 || a[0] != '-' || a[1] != 'p')
		return false;
	put(w, a, 2);
	if (n == 2)
		*hide_next = true;
	else
		marker(w);
	return true;
}

/* Rule 4 at a[i] == "://": copies through the user's ':' and hides the password; returns the
 * index to go on from (the '@'), or i when there is no password here. */
static size_t url_password(struct writer *w, const char *a, size_t n, size_t i)
{
	size_t end = i + 3, at = n, colon = n;

	while (end < n && a[end] != '/' && a[end] != '?' && a[end] != '#')
		end++;
	for (size_t k = i + 3; k < end; k++)
		if (a[k] == '@')
			at = k;  /* the last '@': a password may hold one */
	if (at == n)
		return i;
	for (size_t k = i + 3; k < at && colon == n; k++)
		if (a[k] == ':')
			colon = k;
	if (colon == n)
		return i;
	put(w, a + i, colon + 1 - i);
	if (colon + 1 < at)
		marker(w);
	return at;
}

/* Rules 3 and 4 over one argument. */
static void words_in(struct writer *w, const char *a, size_t n)
{
	size_t i = 0;

	while (i < n) {
		if (a[i] == ':' && i + 2 < n && a[i + 1] == '/' && a[i + 2] == '/') {
			size_t next = url_password(w, a, n, i);

			if (next != i) {
				i = next;
				continue;
			}
		}
		if (a[i] == '=') {
			size_t start = i;

			while (start > 0 && word_char(a[start - 1]))
				start--;
			if (secret_word(a + start, i - start, true)) {
				put(w, "=", 1);
				if (i + 1 < n)
					marker(w);
				return;
			}
		}
		put(w, a + i, 1);
		i++;
	}
}

size_t lw_cmdline_mask(const char *in, size_t len, char *out, size_t cap)
{
	struct writer w = { out, cap, 0 };
	bool hide_next = false, after_p = false;
	size_t pos = 0;

	while (pos < len) {
		const char *a = in + pos;
		const char *nul = memchr(a, '\0', len - pos);
		size_t n = nul ? (size_t)(nul - a) : len - pos;

		if (hide_next) {
			hide_next = false;
			if (n > 0 && !(after_p && port_like(a, n)))
				marker(&w);
			else
				put(&w, a, n);
			after_p = false;
		} else if (!secret_option(&w, a, n, &hide_next)) {
			after_p = short_p(&w, a, n, &hide_next);
			if (!after_p)
				words_in(&w, a, n);
		}
		if (nul != NULL)
			put(&w, "", 1);  /* the separator */
		pos += n + (nul != NULL);
	}
	return w.n;
}
