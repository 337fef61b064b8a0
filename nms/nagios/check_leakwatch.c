/* check_leakwatch.c: the Nagios/Icinga plugin for leakwatchd's LEAKWATCH-MIB: options, timeout, status line. */
/* SPDX-License-Identifier: ISC */
#include "lwn_modes.h"
#include "lwn_range.h"
#include "lwn_snmp.h"

#include <ctype.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef LW_VERSION
#define LW_VERSION "unknown"
#endif

#define PROGNAME "check_leakwatch"
#define DEFAULT_TIMEOUT 10.0
#define DEFAULT_RETRIES 1

/* The -w arguments (the one short option of the plugin) and the long options. */
static const char *warn_specs[16], *crit_specs[16];
static int nwarn, ncrit;
static char status_mode[32] = "";     /* "ALARMS": for messages, the timeout's too */
static char timeout_line[256];

/* Short options of net-snmp's snmp_parse_args() that take an argument, and the plugin's -w:
 * the pre-pass must skip their arguments to find the long options. */
static const char short_with_arg[] = "YmMOIPDvrtcZeEnulxXaApTsSL3w";

static void usage_line(FILE *f)
{
	fprintf(f, "Usage: %s [SNMP OPTIONS] [-w RANGE] [--critical=RANGE] [-t SECONDS] AGENT MODE [NAME]\n",
		PROGNAME);
}

static void print_help(void)
{
	const lwn_mode *m;

	printf("%s %s (leakwatch), on net-snmp %s\n\n", PROGNAME, LW_VERSION, netsnmp_get_version());
	printf("Checks a host's leakwatchd over SNMP (LEAKWATCH-MIB). No MIB file is needed: the OIDs\n"
	       "and the names of the enumerations are compiled in.\n\n");
	usage_line(stdout);
	printf("\nMODES\n");
	for (m = lwn_modes; m->name; m++) {
		const char *const *l;

		printf("  %s%s%s%s%s\n      %s\n      threshold labels:", m->name, m->arg ? " " : "",
		       m->arg == 1 ? "[" : "", m->arg ? m->argname : "", m->arg == 1 ? "]" : "",
		       m->summary);
		for (l = m->labels; *l; l++)
			printf(" %s%s", *l, l == m->labels ? " (default)" : "");
		printf("\n");
	}
	printf("\nAGENT\n"
	       "  As for snmpget: HOST, HOST:PORT, udp:HOST:PORT, tcp:HOST:PORT, udp6:[ADDR]:PORT.\n");
	printf("\nSNMP OPTIONS (net-snmp's, parsed by net-snmp's own snmp_parse_args(), as snmpget does)\n"
	       "  -v 2c|3          SNMP version (SNMPv1 cannot carry Counter64 nor GETBULK: refused)\n"
	       "  -c COMMUNITY     the community (v2c). NOTE: -c is net-snmp's community here, NOT the\n"
	       "                   critical threshold of other plugins: give that as --critical\n"
	       "  -u USER -l noAuthNoPriv|authNoPriv|authPriv -a MD5|SHA|SHA-224|SHA-256|SHA-384|SHA-512\n"
	       "  -A PASSPHRASE -x DES|AES|AES-192|AES-256 -X PASSPHRASE -n CONTEXT -e/-E ENGINEID\n"
	       "                   SNMPv3, as in snmpcmd(1)\n"
	       "  -r RETRIES       retries per request (default %d)\n"
	       "  -t SECONDS       the time the whole check may take (default %.0f). Unlike snmpget's\n"
	       "                   per-try -t, this bounds the check: each try waits SECONDS / (2 x tries)\n"
	       "  --timeout=SECONDS  the same\n"
	       "  --max-repetitions=N  max-repetitions of each GETBULK (default: about 50 values a\n"
	       "                   response, 50 / columns read, at least 10)\n"
	       "  net-snmp's other options (-d, -D, -L, -O, -I, -m, -M, --TOKEN=VALUE) work as in snmpcmd(1);\n"
	       "  snmp.conf defaults (defVersion, defCommunity, defSecurityName, ...) apply.\n",
	       DEFAULT_RETRIES, DEFAULT_TIMEOUT);
	printf("\nTHRESHOLDS\n"
	       "  -w, --warning=SPEC   warning thresholds\n"
	       "  --critical=SPEC      critical thresholds (long form only: -c is the community)\n"
	       "  SPEC is RANGE (for the mode's default label) or LABEL=RANGE[,LABEL=RANGE...]; the\n"
	       "  options repeat. RANGE is the Monitoring Plugins' [@][start:][end]: alert when the value\n"
	       "  is outside start..end (inside with @); start defaults to 0, ~ is minus infinity, an\n"
	       "  empty end is infinity. 10 = alert above 10; 10: = below 10; @10:20 = within 10..20.\n"
	       "  Ranges are in the perfdata's unit: KB (KiB) for rss, percent for *_pct and cpu (the\n"
	       "  MIB's hundredths are converted), plain numbers for counts and rates.\n"
	       "  Defaults where none is given for the label: leaks --critical=leaking=0 -w suspect=0;\n"
	       "  collectors -w failing=0. A threshold on a value the agent does not serve is UNKNOWN.\n");
	printf("\nOTHER\n"
	       "  -h, --help        this help\n"
	       "  -V, --version     the version\n");
	printf("\nOUTPUT\n"
	       "  LEAKWATCH MODE STATE - text | perfdata; exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN\n"
	       "  (unreachable agent, wrong community or credentials, no LEAKWATCH-MIB, bad arguments).\n");
	printf("\nEXAMPLES\n"
	       "  %s -v2c -c public 127.0.0.1 alarms\n"
	       "  %s -v2c -c public db1 group postgres -w rss=4000000,fds=8000 --critical=rss=6000000\n"
	       "  %s -v3 -l authPriv -u nms -a SHA-256 -A authpass -x AES -X privpass db1:161 tcp --critical=80\n"
	       "  %s -v2c -c public fo2 mcast eth1 -w 5000 --critical=pps=20000,bps=100000000\n",
	       PROGNAME, PROGNAME, PROGNAME, PROGNAME);
}

static void print_version(void)
{
	printf("%s %s (leakwatch), net-snmp %s\n", PROGNAME, LW_VERSION, netsnmp_get_version());
}

/* Every error is one line, UNKNOWN, exit 3. */
#if defined(__GNUC__)
__attribute__((format(printf, 1, 2), noreturn))
#endif
static void die_unknown(const char *fmt, ...)
{
	va_list ap;

	printf("LEAKWATCH%s%s UNKNOWN - ", status_mode[0] ? " " : "", status_mode);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	exit(LWN_UNKNOWN);
}

static void on_alarm(int sig)
{
	ssize_t w;

	(void)sig;
	/* Only async-signal-safe calls: the line was formatted before the alarm was set. */
	w = write(STDOUT_FILENO, timeout_line, strlen(timeout_line));
	(void)w;
	_exit(LWN_UNKNOWN);
}

/* snmp_parse_args()'s callback: the plugin's one short option. */
static void local_option(int argc, char *const *argv, int opt)
{
	(void)argc;
	(void)argv;
	if (opt == 'w' && nwarn < 16)
		warn_specs[nwarn++] = optarg;
}

/* The plugin's long options, taken out of argv before net-snmp sees it (net-snmp would read
 * --NAME=VALUE as a snmp.conf token, and answer --help and --version with its own). */
static int long_option(const char *name, const char *value, double *timeout, int *maxrep)
{
	char *end;

	if (strcmp(name, "warning") == 0) {
		if (nwarn < 16)
			warn_specs[nwarn++] = value;
	} else if (strcmp(name, "critical") == 0) {
		if (ncrit < 16)
			crit_specs[ncrit++] = value;
	} else if (strcmp(name, "timeout") == 0) {
		*timeout = strtod(value, &end);
		if (*end || !(*timeout > 0 && *timeout <= 3600))
			die_unknown("--timeout: '%s' is not a number of seconds in 0..3600", value);
	} else if (strcmp(name, "max-repetitions") == 0) {
		long v = strtol(value, &end, 10);

		if (*end || v < 1 || v > 1000)
			die_unknown("--max-repetitions: '%s' is not a number in 1..1000", value);
		*maxrep = (int)v;
	} else {
		return 0;
	}
	return 1;
}

static int needs_value(const char *name)
{
	return strcmp(name, "warning") == 0 || strcmp(name, "critical") == 0 ||
	       strcmp(name, "timeout") == 0 || strcmp(name, "max-repetitions") == 0;
}

/* The first line of what net-snmp wrote to the captured stderr, for a one-line UNKNOWN. */
static void first_line(FILE *cap, char *out, size_t outlen)
{
	size_t n;

	out[0] = '\0';
	if (!cap)
		return;
	rewind(cap);
	while (fgets(out, (int)outlen, cap)) {
		n = strlen(out);
		while (n && (out[n - 1] == '\n' || out[n - 1] == '\r' || out[n - 1] == ' '))
			out[--n] = '\0';
		if (n)
			return;
	}
	out[0] = '\0';
}

int main(int argc, char **argv)
{
	char **nargv = calloc((size_t)argc + 1, sizeof *nargv);
	netsnmp_session session;
	double timeout = 0;
	int maxrep = 0, nargc = 0, i, rc, saved_err = -1, w;
	FILE *cap;
	char msg[512], err[256];
	const lwn_mode *mode;
	lwn_ctx ctx;
	lwn_run run;
	const char *mode_name, *host;

	if (!nargv)
		die_unknown("out of memory");
	nargv[nargc++] = argv[0];
	/* Pre-pass: take out the plugin's long options; keep everything else in order. */
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0) {
			for (; i < argc; i++)
				nargv[nargc++] = argv[i];
			break;
		}
		if (a[0] == '-' && a[1] == '-') {
			char name[64];
			const char *eq = strchr(a + 2, '='), *value = NULL;
			size_t n = eq ? (size_t)(eq - a - 2) : strlen(a + 2);

			snprintf(name, sizeof name, "%.*s", (int)(n < 63 ? n : 63), a + 2);
			if (strcmp(name, "help") == 0) {
				print_help();
				return LWN_UNKNOWN;
			}
			if (strcmp(name, "version") == 0) {
				print_version();
				return LWN_UNKNOWN;
			}
			if (needs_value(name)) {
				if (eq)
					value = eq + 1;
				else if (i + 1 < argc)
					value = argv[++i];
				else
					die_unknown("--%s needs a value; see --help", name);
				long_option(name, value, &timeout, &maxrep);
				continue;
			}
			nargv[nargc++] = argv[i];    /* net-snmp's --TOKEN=VALUE */
			continue;
		}
		nargv[nargc++] = argv[i];
		if (a[0] == '-' && a[1]) {
			const char *p;

			for (p = a + 1; *p; p++)
				if (strchr(short_with_arg, *p)) {
					if (p[1] == '\0' && i + 1 < argc)
						nargv[nargc++] = argv[++i];
					break;
				}
		}
	}
	nargv[nargc] = NULL;

	/* No MIB is loaded unless -m asks for one: the plugin uses numeric OIDs only. */
	setenv("MIBS", "", 1);
	/* net-snmp explains bad options on stderr, which Nagios does not show: capture it and
	 * make it the UNKNOWN line. */
	fflush(stderr);
	cap = tmpfile();
	if (cap) {
		saved_err = dup(STDERR_FILENO);
		if (saved_err >= 0)
			dup2(fileno(cap), STDERR_FILENO);
	}
	rc = snmp_parse_args(nargc, nargv, &session, "w:", local_option);
	fflush(stderr);
	if (saved_err >= 0) {
		dup2(saved_err, STDERR_FILENO);
		close(saved_err);
	}
	first_line(cap, msg, sizeof msg);
	if (rc == NETSNMP_PARSE_ARGS_ERROR_USAGE && msg[0] == '\0') {
		print_help();                 /* -h */
		return LWN_UNKNOWN;
	}
	if (rc == NETSNMP_PARSE_ARGS_SUCCESS_EXIT) {
		if (strncmp(msg, "NET-SNMP version", 16) == 0)
			print_version();     /* -V */
		else if (cap) {              /* -H: net-snmp's configuration directives */
			int ch;

			rewind(cap);
			while ((ch = getc(cap)) != EOF)
				putchar(ch);
		}
		return LWN_UNKNOWN;
	}
	if (rc < 0) {
		size_t n = strlen(msg), a0 = strlen(nargv[0]);

		/* getopt's messages start with argv[0]; net-snmp's end with a full stop. */
		if (strncmp(msg, nargv[0], a0) == 0 && strncmp(msg + a0, ": ", 2) == 0)
			memmove(msg, msg + a0 + 2, n - a0 - 1);
		n = strlen(msg);
		if (n && msg[n - 1] == '.')
			msg[n - 1] = '\0';
		die_unknown("%s; see --help", msg[0] ? msg : "cannot parse the SNMP options");
	}
	if (cap)
		fclose(cap);
	host = session.peername;
	if (rc >= nargc)
		die_unknown("no MODE after the agent %s (alarms, leaks, group NAME, tcp, mcast [IFNAME], collectors); see --help",
			    host);
	mode_name = nargv[rc];
	mode = lwn_mode_find(mode_name);
	if (!mode)
		die_unknown("unknown mode '%s' (alarms, leaks, group NAME, tcp, mcast [IFNAME], collectors)",
			    mode_name);
	for (i = 0; mode->name[i] && i < (int)sizeof status_mode - 1; i++)
		status_mode[i] = (char)toupper((unsigned char)mode->name[i]);
	status_mode[i] = '\0';

	memset(&run, 0, sizeof run);
	run.arg = rc + 1 < nargc ? nargv[rc + 1] : NULL;
	if (mode->arg == 2 && !run.arg)
		die_unknown("mode %s needs a %s", mode->name, mode->argname);
	if (rc + 1 + (run.arg ? 1 : 0) < nargc || (mode->arg == 0 && run.arg))
		die_unknown("unexpected argument '%s' after mode %s", nargv[rc + 1 + (mode->arg && run.arg ? 1 : 0)],
			    mode->name);
	for (i = 0; i < nwarn; i++)
		if (lwn_thresholds_add(&run.th, warn_specs[i], 0, mode->labels, err, sizeof err) != 0)
			die_unknown("-w: %s", err);
	for (i = 0; i < ncrit; i++)
		if (lwn_thresholds_add(&run.th, crit_specs[i], 1, mode->labels, err, sizeof err) != 0)
			die_unknown("--critical: %s", err);
	run.user_thresholds = nwarn + ncrit > 0;

	if (session.version == SNMP_VERSION_1)
		die_unknown("SNMPv1 cannot carry LEAKWATCH-MIB's 64-bit values nor GETBULK: use -v 2c or -v 3");
	/* -t bounds the whole check (the guidelines' meaning); each try gets a share of it. */
	if (timeout == 0)
		timeout = session.timeout > 0 ? (double)session.timeout / 1e6 : DEFAULT_TIMEOUT;
	if (session.retries == SNMP_DEFAULT_RETRIES)
		session.retries = DEFAULT_RETRIES;
	session.timeout = (long)(timeout * 1e6 / (2.0 * (session.retries + 1)));
	if (session.timeout < 10000)
		session.timeout = 10000;
	w = snprintf(timeout_line, sizeof timeout_line,
		     "LEAKWATCH %s UNKNOWN - no complete answer from %.100s within %.1f s (-t)\n",
		     status_mode, host, timeout);
	(void)w;
	signal(SIGALRM, on_alarm);
	alarm((unsigned)(timeout + 0.999));

	memset(&ctx, 0, sizeof ctx);
	ctx.max_repetitions = maxrep;
	if (lwn_open(&ctx, &session) != 0)
		die_unknown("%s", ctx.err);
	run.ctx = &ctx;
	lwn_buf_init(&run.text);
	lwn_buf_init(&run.perf);
	run.state = LWN_OK;
	mode->run(&run);
	alarm(0);
	lwn_close(&ctx);

	/* The first | starts the perfdata: names the agent served must not contain one. */
	for (i = 0; run.text.buf[i]; i++)
		if (run.text.buf[i] == '|')
			run.text.buf[i] = '/';
	printf("LEAKWATCH %s %s - %s", status_mode, lwn_state_name(run.state), run.text.buf);
	if (run.perf.len)
		printf(" | %s", run.perf.buf);
	printf("\n");
	free(nargv);
	return run.state;
}
