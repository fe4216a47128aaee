/* Logging: levels filter, lines carry ident and level, unknown level names are refused; a
 * daemon's messages reach its sink with level and ident, filtered like the others. */
#include "config.h"
#include "common/log.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>

static char *capture(enum tsr_log_level set, enum tsr_log_level msg_level, const char *text)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	tsr_log_set_stream(f);
	tsr_log_set_level(set);
	tsr_log(msg_level, "%s", text);
	tsr_log_set_stream(NULL);
	fclose(f);
	return buf;
}

static void test_line_format(void)
{
	char *out = capture(TSR_LOG_INFO, TSR_LOG_WARN, "disk nearly full");

	g_assert_cmpstr(out, ==, "log-test: warn: disk nearly full\n");
	free(out);
}

static void test_level_filters(void)
{
	char *out = capture(TSR_LOG_WARN, TSR_LOG_DEBUG, "noise");

	g_assert_cmpstr(out, ==, "");
	free(out);
	out = capture(TSR_LOG_DEBUG, TSR_LOG_DEBUG, "detail");
	g_assert_cmpstr(out, ==, "log-test: debug: detail\n");
	free(out);
}

static void test_long_line_truncated_not_overflowed(void)
{
	char big[4000];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	char *out = capture(TSR_LOG_INFO, TSR_LOG_ERROR, big);

	g_assert_cmpuint(strlen(out), <=, 1024);
	g_assert_true(g_str_has_prefix(out, "log-test: error: xxx"));
	free(out);
}

static void test_level_parse_rejects_unknown(void)
{
	enum tsr_log_level l = TSR_LOG_INFO;

	g_assert_true(tsr_log_level_parse("debug", &l));
	g_assert_cmpint(l, ==, TSR_LOG_DEBUG);
	g_assert_false(tsr_log_level_parse("verbose", &l));
	g_assert_false(tsr_log_level_parse("", &l));
	g_assert_false(tsr_log_level_parse(NULL, &l));
	g_assert_cmpint(l, ==, TSR_LOG_DEBUG);
}

static GString *sunk;

static bool sink(enum tsr_log_level level, const char *ident, const char *message)
{
	g_string_append_printf(sunk, "%d %s %s;", (int)level, ident, message);
	return true;
}

static void test_daemon_sink(void)
{
	sunk = g_string_new(NULL);
	tsr_log_init("sink-test", true);
	tsr_log_set_sink(sink);
	tsr_log_set_level(TSR_LOG_INFO);
	tsr_warn("disk %d%% full", 93);
	tsr_debug("not shown");
	tsr_log_set_sink(NULL);
	tsr_log_init("log-test", false);
	g_assert_cmpstr(sunk->str, ==, "1 sink-test disk 93% full;");
	g_string_free(sunk, TRUE);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	tsr_log_init("log-test", false);
	g_test_add_func("/log/line-has-ident-and-level", test_line_format);
	g_test_add_func("/log/level-filters-messages", test_level_filters);
	g_test_add_func("/log/long-line-is-truncated", test_long_line_truncated_not_overflowed);
	g_test_add_func("/log/unknown-level-name-refused", test_level_parse_rejects_unknown);
	g_test_add_func("/log/daemon-messages-reach-the-sink", test_daemon_sink);
	return g_test_run();
}
