/* config_redact.h: leakwatchd.conf's text with the secrets' arguments left out, for the history. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_CONFIG_REDACT_H
#define LW_CONFIG_REDACT_H

#include <stdio.h>

/*
 * Copies the configuration read from in to out, line by line, with each directive that
 * carries a secret (rocommunity's community, trap2sink's community, createUser's
 * passphrases) turned into a comment naming the directive: "# rocommunity (arguments not
 * stored)". The history's run row keeps this text and the history travels in support reports,
 * so no secret may reach it; commented out (rather than kept without its arguments) so that
 * the text still parses as leakwatchd.conf, which the report's detector replay does to find
 * the thresholds in force. Returns 0, or -1 when out cannot be written.
 */
int lw_config_redact(FILE *in, FILE *out);

#endif
