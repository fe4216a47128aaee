/* common/log.c: stderr, sink or syslog logging with levels (see log.h). */
#include "config.h"
#include "common/log.h"

#include <glib.h>
#include <stdarg.h>
#include <string.h>
#include <syslog.h>

static const char *log_ident = "tessera";
static bool log_daemon;
static enum tsr_log_level log_level = TSR_LOG_INFO;
static FILE *log_stream;
static tsr_log_sink_fn log_sink;

static const char *const level_names[] = { "error", "warn", "info", "debug" };

void tsr_log_init(const char *ident, bool daemon)
{
	if (ident)
		log_ident = ident;
	log_daemon = daemon;
	if (daemon)
		openlog(log_ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void tsr_log_set_level(enum tsr_log_level level)
{
	if (level > TSR_LOG_DEBUG)
		level = TSR_LOG_DEBUG;
	log_level = level;
}

enum tsr_log_level tsr_log_get_level(void)
{
	return log_level;
}

void tsr_log_set_sink(tsr_log_sink_fn sink)
{
	log_sink = sink;
}

void tsr_log_set_stream(FILE *stream)
{
	log_stream = stream;
}

bool tsr_log_level_parse(const char *name, enum tsr_log_level *level)
{
	if (!name)
		return false;
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
		if (strcmp(name, level_names[i]) == 0) {
			*level = (enum tsr_log_level)i;
			return true;
		}
	}
	return false;
}

void tsr_log(enum tsr_log_level level, const char *fmt, ...)
{
	static const int syslog_prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	va_list ap;

	if (level > log_level)
		return;
	va_start(ap, fmt);
	if (log_daemon) {
		g_autofree char *message = g_strdup_vprintf(fmt, ap);
		if (!log_sink || !log_sink(level, log_ident, message))
			syslog(syslog_prio[level], "%s", message);
	} else {
		FILE *out = log_stream ? log_stream : stderr;
		/* One fprintf per part; stderr is unbuffered, so build the line first to keep
		 * lines from different processes whole. */
		char line[1024];
		int n = snprintf(line, sizeof(line), "%s: %s: ", log_ident, level_names[level]);
		if (n > 0 && (size_t)n < sizeof(line))
			vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
		fprintf(out, "%s\n", line);
		fflush(out);
	}
	va_end(ap);
}
