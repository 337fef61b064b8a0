/* test_config.c: leakwatchd.conf parsing: every directive, and errors that name file and line. */
/* SPDX-License-Identifier: ISC */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "config/config_redact.h"
#include "config/lw_config.h"

static int parse(const char *text, struct lw_config *cfg, struct lw_error *err)
{
	lw_config_defaults(cfg);
	return lw_config_parse("test.conf", text, strlen(text), cfg, err);
}

static void defaults(void **state)
{
	struct lw_config cfg;
	struct lw_error err;

	(void)state;
	assert_int_equal(parse("", &cfg, &err), 0);
	assert_int_equal(cfg.interval_s, 60);
	assert_int_equal(cfg.agentx_ping_interval_s, 5);
	assert_string_equal(cfg.root, "/");
	assert_string_equal(cfg.agentx_socket, "");
	assert_int_equal(cfg.ncommunities, 0);
	assert_int_equal(cfg.tcp.top_n, 5);
	assert_int_equal(cfg.tcp.max_ports, 1024);
	assert_int_equal(cfg.proc.cmdline, LW_CMDLINE_MASK);  /* safe by default */
	assert_int_equal(cfg.kernel_interval_s, 60);
	assert_int_equal(cfg.mcast.ninterfaces, 0);
	assert_int_equal(cfg.mcast.buffer_bytes, 8u << 20);
	assert_int_equal(cfg.mcast.snaplen, 128);
	assert_int_equal(cfg.mcast.max_groups, 1024);
	assert_int_equal(cfg.mcast.direction, LW_MCAST_DIR_IN);
	assert_string_equal(cfg.state_dir, LW_DEFAULT_STATE_DIR);
	assert_int_equal(cfg.history.enabled, 1);
	assert_int_equal(cfg.history.full_hours, 48);
	assert_int_equal(cfg.history.window_s, 600);
	assert_int_equal(cfg.history.days, 30);
	assert_int_equal(cfg.history.max_mb, 1024);
	for (int i = 0; i < LW_TH_COUNT; i++)
		assert_int_equal(cfg.thresholds.v[i], lw_threshold_def((enum lw_threshold_id)i)->def);
	assert_int_equal(cfg.thresholds.set_mask, 0);
}

static void good_lines(void **state)
{
	struct lw_config cfg;
	struct lw_error err;
	const char *text = "# leakwatchd test configuration\n"
			   "\n"
			   "interval 1   # fastest allowed\n"
			   "\tagentx_ping_interval\t2\r\n"
			   "agentx_socket unix:/run/agentx/master\n"
			   "root /srv/host\n"
			   "rocommunity public 127.0.0.1\n"
			   "rocommunity ops 10.0.0.0/8\n"
			   "rocommunity six ::1/128\n"
			   "rocommunity anyone\n"
			   "trap2sink 127.0.0.1:1162 public\n"
			   "tcp_top 50\n"
			   "process_cmdline no\n"
			   "tcp_max_ports 65535\n"
			   "kernel_interval 300\n"
			   "mcast_interface eth0\n"
			   "mcast_interface bond0.100\n"
			   "mcast_buffer_size 32M\n"
			   "mcast_snaplen 96\n"
			   "mcast_max_groups 65536\n"
			   "mcast_direction inout\n"
			   "state_dir /srv/leakwatch\n"
			   "history no\n"
			   "history_full_hours 24\n"
			   "history_window 300\n"
			   "history_days 7\n"
			   "history_max_mb 256\n"
			   "leak_window 300\n"
			   "leak_warmup 600\n"
			   "leak_min_slope 2048\n"
			   "alarm_mcast_pps 0\n"
			   "alarm_holddown 60\n";

	(void)state;
	assert_int_equal(parse(text, &cfg, &err), 0);
	assert_int_equal(cfg.interval_s, 1);
	assert_int_equal(cfg.agentx_ping_interval_s, 2);
	assert_string_equal(cfg.agentx_socket, "unix:/run/agentx/master");
	assert_string_equal(cfg.root, "/srv/host");
	assert_int_equal(cfg.ncommunities, 4);
	assert_string_equal(cfg.communities[0].name, "public");
	assert_string_equal(cfg.communities[0].source, "127.0.0.1");
	assert_int_equal(cfg.communities[0].family, AF_INET);
	assert_string_equal(cfg.communities[1].source, "10.0.0.0/8");
	assert_int_equal(cfg.communities[2].family, AF_INET6);
	assert_string_equal(cfg.communities[3].source, "");
	assert_int_equal(cfg.ntrapsinks, 1);
	assert_string_equal(cfg.trapsinks[0].host, "127.0.0.1:1162");
	assert_string_equal(cfg.trapsinks[0].community, "public");
	assert_int_equal(cfg.tcp.top_n, 50);
	assert_int_equal(cfg.proc.cmdline, LW_CMDLINE_NO);
	assert_int_equal(cfg.tcp.max_ports, 65535);
	assert_int_equal(cfg.kernel_interval_s, 300);
	assert_int_equal(cfg.mcast.ninterfaces, 2);
	assert_string_equal(cfg.mcast.interfaces[0], "eth0");
	assert_string_equal(cfg.mcast.interfaces[1], "bond0.100");
	assert_int_equal(cfg.mcast.buffer_bytes, 32u << 20);
	assert_int_equal(cfg.mcast.snaplen, 96);
	assert_int_equal(cfg.mcast.max_groups, 65536);
	assert_int_equal(cfg.mcast.direction, LW_MCAST_DIR_INOUT);
	assert_string_equal(cfg.state_dir, "/srv/leakwatch");
	assert_int_equal(cfg.history.enabled, 0);
	assert_int_equal(cfg.history.full_hours, 24);
	assert_int_equal(cfg.history.window_s, 300);
	assert_int_equal(cfg.history.days, 7);
	assert_int_equal(cfg.history.max_mb, 256);
	assert_int_equal(cfg.thresholds.v[LW_TH_LEAK_WINDOW], 300);
	assert_int_equal(cfg.thresholds.v[LW_TH_LEAK_WARMUP], 600);
	assert_int_equal(cfg.thresholds.v[LW_TH_LEAK_MIN_SLOPE], 2048);
	assert_int_equal(cfg.thresholds.v[LW_TH_MCAST_PPS], 0);
	assert_int_equal(cfg.thresholds.v[LW_TH_HOLDDOWN], 60);
	assert_int_equal(cfg.thresholds.set_mask, 0);  /* only SNMP SETs mark values */
	/* Sizes: plain bytes and the three suffixes, either case, at the range's ends. */
	assert_int_equal(parse("mcast_buffer_size 65536\n", &cfg, &err), 0);
	assert_int_equal(cfg.mcast.buffer_bytes, 65536);
	assert_int_equal(parse("mcast_buffer_size 512k\n", &cfg, &err), 0);
	assert_int_equal(cfg.mcast.buffer_bytes, 512u << 10);
	assert_int_equal(parse("mcast_buffer_size 1G\n", &cfg, &err), 0);
	assert_int_equal(cfg.mcast.buffer_bytes, 1u << 30);
	assert_int_equal(parse("mcast_direction out\n", &cfg, &err), 0);
	assert_int_equal(cfg.mcast.direction, LW_MCAST_DIR_OUT);
}

struct bad_case {
	const char *text;
	const char *want;  /* expected message, after "test.conf:LINE: " */
};

static void bad_lines(void **state)
{
	static const struct bad_case cases[] = {
		{ "interval 0\n", "test.conf:1: interval: '0' is out of range 1..86400" },
		{ "\n\ninterval 86401\n", "test.conf:3: interval: '86401' is out of range 1..86400" },
		{ "interval -5\n", "test.conf:1: interval: '-5' is not a number of seconds" },
		{ "interval 10s\n", "test.conf:1: interval: '10s' is not a number of seconds" },
		{ "interval 99999999999999999999999\n",
		  "test.conf:1: interval: '99999999999999999999999' is out of range 1..86400" },
		{ "interval\n", "test.conf:1: interval: usage: interval SECONDS" },
		{ "interval 5 6\n", "test.conf:1: interval: usage: interval SECONDS" },
		{ "# ok\nfrobnicate yes\n", "test.conf:2: unknown directive 'frobnicate'" },
		{ "agentx_ping_interval 0\n",
		  "test.conf:1: agentx_ping_interval: '0' is out of range 1..3600" },
		{ "root relative/dir\n", "test.conf:1: root: 'relative/dir' is not an absolute path" },
		{ "rocommunity\n", "test.conf:1: rocommunity: usage: rocommunity COMMUNITY [SOURCE]" },
		{ "rocommunity p 300.1.1.1\n",
		  "test.conf:1: rocommunity: source '300.1.1.1' is not an IPv4 or IPv6 address" },
		{ "rocommunity p 10.0.0.0/33\n",
		  "test.conf:1: rocommunity: bad prefix length in '10.0.0.0/33'" },
		{ "rocommunity p 10.0.0.0/\n",
		  "test.conf:1: rocommunity: bad prefix length in '10.0.0.0/'" },
		{ "trap2sink host\n", "test.conf:1: trap2sink: usage: trap2sink HOST[:PORT] COMMUNITY" },
		{ "a b c d e f g h i\n", "test.conf:1: too many words (at most 8)" },
		{ "tcp_top 0\n", "test.conf:1: tcp_top: '0' is out of range 1..50" },
		{ "process_cmdline maybe\n",
		  "test.conf:1: process_cmdline: 'maybe' is not yes, no or mask" },
		{ "process_cmdline YES\n",
		  "test.conf:1: process_cmdline: 'YES' is not yes, no or mask" },
		{ "process_cmdline\n",
		  "test.conf:1: process_cmdline: usage: process_cmdline yes|no|mask" },
		{ "kernel_interval 0\n",
		  "test.conf:1: kernel_interval: '0' is out of range 1..86400" },
		{ "kernel_interval 1m\n",
		  "test.conf:1: kernel_interval: '1m' is not a number of seconds" },
		{ "tcp_top 51\n", "test.conf:1: tcp_top: '51' is out of range 1..50" },
		{ "tcp_top\n", "test.conf:1: tcp_top: usage: tcp_top N" },
		{ "tcp_max_ports 65536\n",
		  "test.conf:1: tcp_max_ports: '65536' is out of range 1..65535" },
		{ "tcp_max_ports many\n",
		  "test.conf:1: tcp_max_ports: 'many' is not a number of ports" },
		{ "mcast_interface\n", "test.conf:1: mcast_interface: usage: mcast_interface IFNAME" },
		{ "mcast_interface any\n",
		  "test.conf:1: mcast_interface: 'any' is not an interface name" },
		{ "mcast_interface ..\n",
		  "test.conf:1: mcast_interface: '..' is not an interface name" },
		{ "mcast_interface eth0/x\n",
		  "test.conf:1: mcast_interface: 'eth0/x' is not an interface name" },
		{ "mcast_interface eth0:1\n",
		  "test.conf:1: mcast_interface: 'eth0:1' is not an interface name" },
		{ "mcast_interface 0123456789abcdef\n",
		  "test.conf:1: mcast_interface: argument 1 is longer than 15 characters" },
		{ "mcast_interface eth0\n# again\nmcast_interface eth0\n",
		  "test.conf:3: mcast_interface: 'eth0' is already configured" },
		{ "mcast_buffer_size 63K\n",
		  "test.conf:1: mcast_buffer_size: '63K' is out of range 65536..1073741824" },
		{ "mcast_buffer_size 2G\n",
		  "test.conf:1: mcast_buffer_size: '2G' is out of range 65536..1073741824" },
		{ "mcast_buffer_size 99999999999999999999G\n",
		  "test.conf:1: mcast_buffer_size: '99999999999999999999G' is out of range "
		  "65536..1073741824" },
		{ "mcast_buffer_size 8MB\n",
		  "test.conf:1: mcast_buffer_size: '8MB' is not a number of bytes" },
		{ "mcast_buffer_size -8M\n",
		  "test.conf:1: mcast_buffer_size: '-8M' is not a number of bytes" },
		{ "mcast_snaplen 95\n", "test.conf:1: mcast_snaplen: '95' is out of range 96..65535" },
		{ "mcast_max_groups 0\n",
		  "test.conf:1: mcast_max_groups: '0' is out of range 1..65536" },
		{ "mcast_max_groups lots\n",
		  "test.conf:1: mcast_max_groups: 'lots' is not a number of groups" },
		{ "mcast_direction both\n",
		  "test.conf:1: mcast_direction: 'both' is not in, out or inout" },
		{ "state_dir var/lib\n", "test.conf:1: state_dir: 'var/lib' is not an absolute path" },
		{ "history maybe\n", "test.conf:1: history: 'maybe' is not yes or no" },
		{ "history_full_hours 0\n",
		  "test.conf:1: history_full_hours: '0' is out of range 1..8760" },
		{ "history_window 59\n", "test.conf:1: history_window: '59' is out of range 60..86400" },
		{ "history_days 4000\n", "test.conf:1: history_days: '4000' is out of range 1..3650" },
		{ "history_max_mb 8\n", "test.conf:1: history_max_mb: '8' is out of range 16..1048576" },
		{ "leak_window 5\n", "test.conf:1: leak_window: '5' is out of range 10..86400" },
		{ "leak_significance x\n",
		  "test.conf:1: leak_significance: 'x' is not a number of per mille" },
		{ "alarm_clear_percent\n",
		  "test.conf:1: alarm_clear_percent: usage: alarm_clear_percent N" },
		{ "leak_window 605\n",
		  "test.conf:1: leak_window: 605 is not a multiple of 10 seconds" },
		{ "leak_warmup 600\n# a longer window\nleak_window 1200\n",
		  "test.conf:3: leak_warmup 600 s is shorter than leak_window 1200 s (0 or at least "
		  "one window)" },
		/* leakwatchd.conf(5): leak_window at least ten intervals, whichever line is last. */
		{ "interval 60\nleak_window 100\n",
		  "test.conf:2: leak_window 100 s is shorter than ten intervals (interval 60 s: at "
		  "least 600)" },
		{ "leak_window 600\n# then a longer interval\ninterval 61\n",
		  "test.conf:3: leak_window 600 s is shorter than ten intervals (interval 61 s: at "
		  "least 610)" },

		{ "interval 5\ninterval\0 5\n", "test.conf:2: NUL byte in line" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct lw_config cfg;
		struct lw_error err;
		size_t len = strlen(cases[i].text);

		/* The NUL case needs its real length: find the last newline. */
		if (strstr(cases[i].want, "NUL") != NULL)
			len = 23;
		lw_config_defaults(&cfg);
		cfg.interval_s = 42;
		assert_int_equal(lw_config_parse("test.conf", cases[i].text, len, &cfg, &err), -1);
		assert_string_equal(err.text, cases[i].want);
		/* A failed parse leaves the configuration it was given untouched. */
		assert_int_equal(cfg.interval_s, 42);
	}
}

/* Each process_cmdline word, the last line winning (as every directive). */
static void cmdline_modes(void **state)
{
	static const struct {
		const char *text;
		uint8_t want;
	} cases[] = {
		{ "process_cmdline yes\n", LW_CMDLINE_YES },
		{ "process_cmdline no\n", LW_CMDLINE_NO },
		{ "process_cmdline mask\n", LW_CMDLINE_MASK },
		{ "process_cmdline no\nprocess_cmdline yes\n", LW_CMDLINE_YES },
	};
	struct lw_config cfg;
	struct lw_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(parse(cases[i].text, &cfg, &err), 0);
		assert_int_equal(cfg.proc.cmdline, cases[i].want);
	}
}

static void long_line_and_limits(void **state)
{
	struct lw_config cfg;
	struct lw_error err;
	char *text = malloc(3000);
	char *many = malloc(LW_CONFIG_MAX_COMMUNITIES * 32 + 64);
	size_t pos = 0;

	(void)state;
	memset(text, 'x', 2000);
	strcpy(text + 2000, "\n");
	assert_int_equal(parse(text, &cfg, &err), -1);
	assert_string_equal(err.text, "test.conf:1: line longer than 1024 characters");
	for (int i = 0; i <= LW_CONFIG_MAX_COMMUNITIES; i++)
		pos += (size_t)sprintf(many + pos, "rocommunity c%d\n", i);
	assert_int_equal(parse(many, &cfg, &err), -1);
	assert_string_equal(err.text, "test.conf:17: rocommunity: at most 16 communities");
	pos = 0;
	for (int i = 0; i <= LW_CONFIG_MAX_MCAST_IFACES; i++)
		pos += (size_t)sprintf(many + pos, "mcast_interface eth%d\n", i);
	assert_int_equal(parse(many, &cfg, &err), -1);
	assert_string_equal(err.text, "test.conf:17: mcast_interface: at most 16 interfaces");
	free(text);
	free(many);
}

/* SNMPv3 users: createUser, rouser, rwuser (src/config/v3users.c). */
static void v3_users(void **state)
{
	struct lw_config cfg;
	struct lw_error err;
	const char *text = "rouser alice priv   # before its createUser, as snmpd.conf allows\n"
			   "createUser alice SHA-256 alicepass1 AES alicepriv1\n"
			   "createUser bob sha512 bob\\pass\"x AES-256 bobpriv12\n"
			   "createUser carol SHA carolpass1\n"
			   "rwuser bob\n"
			   "rouser carol auth\n";
	const struct lw_v3user *u;

	(void)state;
	assert_int_equal(parse(text, &cfg, &err), 0);
	assert_int_equal(cfg.v3.nusers, 3);
	assert_int_equal(cfg.v3.naccess, 3);
	u = lw_v3users_find(&cfg.v3, "alice");
	assert_non_null(u);
	assert_int_equal(u->auth, LW_V3_AUTH_SHA256);
	assert_string_equal(u->authpass, "alicepass1");
	assert_int_equal(u->priv, LW_V3_PRIV_AES128);
	assert_string_equal(u->privpass, "alicepriv1");
	assert_int_equal(u->line, 2);
	u = lw_v3users_find(&cfg.v3, "bob");
	assert_int_equal(u->auth, LW_V3_AUTH_SHA512);
	assert_string_equal(u->authpass, "bob\\pass\"x");
	assert_int_equal(u->priv, LW_V3_PRIV_AES256);
	assert_int_equal(lw_v3users_find(&cfg.v3, "carol")->priv, LW_V3_PRIV_NONE);
	assert_string_equal(cfg.v3.access[0].name, "alice");
	assert_int_equal(cfg.v3.access[0].level, LW_V3_LEVEL_PRIV);
	assert_false(cfg.v3.access[0].write);
	assert_int_equal(cfg.v3.access[1].level, LW_V3_LEVEL_AUTH);
	assert_true(cfg.v3.access[1].write);
	assert_string_equal(lw_v3_auth_name(LW_V3_AUTH_SHA384), "SHA-384");
	assert_string_equal(lw_v3_priv_name(LW_V3_PRIV_AES192), "AES-192");
}

static void v3_bad_lines(void **state)
{
	static const struct {
		const char *text, *error;
	} cases[] = {
		{ "createUser a MD5 12345678\n", "test.conf:1: createUser: unknown authentication "
		  "protocol 'MD5' (SHA, SHA-224, SHA-256, SHA-384 or SHA-512; MD5 is not accepted)" },
		{ "createUser a SHA-256 1234567\n", "test.conf:1: createUser: the authentication "
		  "passphrase has 7 characters, at least 8 are needed (RFC 3414 11.2)" },
		{ "createUser a SHA-256 12345678 DES 12345678\n", "test.conf:1: createUser: unknown "
		  "privacy protocol 'DES' (AES, AES-192 or AES-256; DES is not accepted)" },
		{ "createUser a SHA-256 12345678 AES short\n", "test.conf:1: createUser: the privacy "
		  "passphrase has 5 characters, at least 8 are needed (RFC 3414 11.2)" },
		{ "createUser a SHA-256 12345678 AES\n", "test.conf:1: createUser: usage: createUser "
		  "NAME SHA|SHA-224|SHA-256|SHA-384|SHA-512 AUTHPASS [AES|AES-192|AES-256 PRIVPASS]" },
		{ "createUser -e SHA 12345678\n", "test.conf:1: createUser: user name '-e' starts "
		  "with '-'" },
		{ "createUser a SHA 12345678\ncreateUser a SHA 87654321\n",
		  "test.conf:2: createUser: user 'a' already created on line 1" },
		{ "createUser abcdefghijabcdefghijabcdefghijabc SHA 12345678\n",
		  "test.conf:1: createUser: user name 'abcdefghijabcdefghijabcdefghijabc' is longer "
		  "than 32 characters" },
		{ "rouser\n", "test.conf:1: rouser: usage: rouser NAME [auth|priv]" },
		{ "rwuser a noauth\n", "test.conf:1: rwuser: level noauth is not accepted: a user "
		  "authenticates (auth or priv)" },
		{ "rouser a secret\n", "test.conf:1: rouser: unknown level 'secret' (auth or priv)" },
		{ "interval 5\nrouser nobody\n", "test.conf:2: rouser: no createUser line for 'nobody'" },
		{ "createUser a SHA 12345678\nrouser a\nrwuser a\n",
		  "test.conf:3: rwuser: user 'a' already has access on line 2" },
		{ "createUser a SHA 12345678\n\nrwuser a priv\n", "test.conf:3: rwuser: 'a' requires "
		  "priv but its createUser (line 1) has no privacy protocol" },
	};
	struct lw_config cfg;
	struct lw_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(parse(cases[i].text, &cfg, &err), -1);
		assert_string_equal(err.text, cases[i].error);
		/* A passphrase is never quoted back in a message. */
		assert_null(strstr(err.text, "1234567 "));
	}
}

static void load_from_file(void **state)
{
	char path[] = "/tmp/lwconf-XXXXXX";
	struct lw_config *cfg;
	struct lw_error err;
	int fd = mkstemp(path);
	const char *text = "interval 7\nbogus\n";

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (int)strlen(text));
	close(fd);
	assert_int_equal(lw_config_load(path, &cfg, &err), -1);
	assert_null(cfg);
	assert_non_null(strstr(err.text, ":2: unknown directive 'bogus'"));
	assert_memory_equal(err.text, path, strlen(path));
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_int_equal(write(fd, "interval 7\n", 11), 11);
	close(fd);
	assert_int_equal(lw_config_load(path, &cfg, &err), 0);
	assert_int_equal(cfg->interval_s, 7);
	lw_config_unref(cfg);
	unlink(path);
	assert_int_equal(lw_config_load(path, &cfg, &err), -1);
	assert_non_null(strstr(err.text, "No such file"));
}

/* The history's copy of the configuration: no secret in it, and it still parses with the
 * thresholds it set (the report's detector replay reads them back). */
static void redacted_text(void **state)
{
	const char *text = "interval 5\n"
			   "  rocommunity s3cret-community 127.0.0.1\n"
			   "trap2sink localhost trapcommunity\n"
			   "createUser alice SHA-256 alicepass1 AES alicepriv1\n"
			   "rouser alice priv\n"
			   "leak_window 120\n"
			   "leak_warmup 0";  /* no newline at the end */
	char *out = NULL;
	size_t len = 0;
	FILE *in = fmemopen((void *)text, strlen(text), "r"), *o = open_memstream(&out, &len);
	struct lw_config cfg;
	struct lw_error err;

	(void)state;
	assert_non_null(in);
	assert_non_null(o);
	assert_int_equal(lw_config_redact(in, o), 0);
	fclose(in);
	assert_int_equal(fclose(o), 0);
	assert_null(strstr(out, "s3cret"));
	assert_null(strstr(out, "trapcommunity"));
	assert_null(strstr(out, "alicepass1"));
	assert_null(strstr(out, "alicepriv1"));
	assert_non_null(strstr(out, "# rocommunity (arguments not stored)\n"));
	assert_non_null(strstr(out, "# createUser (arguments not stored)\n"));
	assert_non_null(strstr(out, "# rouser alice priv\n"));
	assert_int_equal(out[len - 1], '\n');
	/* A rouser naming a user whose createUser is gone would fail the parse, and the replay
	 * would fall back to the default thresholds: it is a comment too. */
	lw_config_defaults(&cfg);
	assert_int_equal(lw_config_parse("redacted", out, len, &cfg, &err), 0);
	assert_int_equal(cfg.interval_s, 5);
	assert_int_equal(cfg.thresholds.v[LW_TH_LEAK_WINDOW], 120);
	assert_int_equal(cfg.thresholds.v[LW_TH_LEAK_WARMUP], 0);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults),
		cmocka_unit_test(good_lines),
		cmocka_unit_test(bad_lines),
		cmocka_unit_test(cmdline_modes),
		cmocka_unit_test(long_line_and_limits),
		cmocka_unit_test(load_from_file),
		cmocka_unit_test(v3_users),
		cmocka_unit_test(v3_bad_lines),
		cmocka_unit_test(redacted_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
