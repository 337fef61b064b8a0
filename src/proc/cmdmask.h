/* cmdmask.h: hiding secret-looking values in a raw command line (process_cmdline mask). */
/* SPDX-License-Identifier: ISC */
#ifndef LW_CMDMASK_H
#define LW_CMDMASK_H

#include <stddef.h>

/* What replaces a hidden value. */
#define LW_CMDMASK_MARKER "***"

/*
 * Copies the raw argv in[0..len) (arguments separated by NUL octets, as /proc/PID/cmdline
 * has them; the last one may lack its NUL, the buffer may hold any bytes) to out with secret-
 * looking values replaced by LW_CMDMASK_MARKER, every other octet kept. No I/O, no allocation.
 *
 * A "secret word" is, compared without regard to ASCII case, one of password, passwd, pass,
 * pwd, passphrase, secret, token, key, apikey, credential, credentials, storepass, keypass,
 * or a name whose last part after a '-', '_' or '.' is one (db_password, api-key,
 * client.secret) or ends with password, passwd, passphrase, secret or token (camelCase:
 * keyStorePassword, authToken). The rules, in order, per argument:
 *   1. An option --NAME whose NAME is a secret word, or -NAME whose NAME is one without the
 *      "ends with" part (so that -pSECRET falls to rule 2), and that does not start with
 *      "no-": with "=VALUE", VALUE is hidden; without, the whole next argument is.
 *   2. "-pVALUE" (one dash) hides VALUE (mysql -pSECRET, whatever VALUE is); "-p" alone hides
 *      the next argument (sshpass -p SECRET) unless it looks like a port, a port range or a
 *      port mapping (digits and ".:-/", then /tcp, /udp or /sctp: ssh -p 22, docker -p
 *      9091:9090), which it keeps: an all-digit secret given that way shows. Other programs'
 *      -pVALUE (find -print) lose VALUE too: hiding too much is safe.
 *   3. Otherwise every WORD=VALUE in it whose WORD (the letters, digits, '-', '_' and '.'
 *      just before the '=') is a secret word: VALUE, up to the end of the argument, is hidden
 *      (also after '?' or '&' in a URL query: ...?token=abc).
 *   4. The password of a URL's user information: scheme://user:PASSWORD@host.
 * An empty value is left empty. Returns the octets written, at most cap (a longer result is
 * cut there: a marker may be cut, a secret never shows).
 */
size_t lw_cmdline_mask(const char *in, size_t len, char *out, size_t cap);

#endif
