/* common/log.h: one logging path for every Tessera program.
 *
 * Messages go to stderr with a level and the program name; a daemon (tsr_log_init with
 * daemon = true) sends them to its sink (the broker's is the journal's native protocol, see
 * broker/journal.h) or, without one or when the sink cannot take them, to syslog. The sink is
 * a hook so that common/ (linked by the sandboxed programs) never links libsystemd. Nothing
 * here ever formats secrets: callers must not pass passwords or key material. */
#ifndef TSR_COMMON_LOG_H
#define TSR_COMMON_LOG_H

#include <stdbool.h>
#include <stdio.h>

enum tsr_log_level {
	TSR_LOG_ERROR = 0,
	TSR_LOG_WARN = 1,
	TSR_LOG_INFO = 2,
	TSR_LOG_DEBUG = 3,
};

/* ident is kept by pointer (as openlog does): pass a string that lives for the whole program. */
void tsr_log_init(const char *ident, bool daemon);
void tsr_log_set_level(enum tsr_log_level level);
enum tsr_log_level tsr_log_get_level(void);
/* Redirect stderr-mode output (tests); NULL restores stderr. */
void tsr_log_set_stream(FILE *stream);
/* Where a daemon's messages go before syslog: returns false when it could not take one (no
 * journal running), which then goes to syslog. NULL removes it. */
typedef bool (*tsr_log_sink_fn)(enum tsr_log_level level, const char *ident, const char *message);
void tsr_log_set_sink(tsr_log_sink_fn sink);
/* "error", "warn", "info", "debug" -> level. Returns false on any other name. */
bool tsr_log_level_parse(const char *name, enum tsr_log_level *level)
	__attribute__((warn_unused_result));

void tsr_log(enum tsr_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define tsr_err(...) tsr_log(TSR_LOG_ERROR, __VA_ARGS__)
#define tsr_warn(...) tsr_log(TSR_LOG_WARN, __VA_ARGS__)
#define tsr_info(...) tsr_log(TSR_LOG_INFO, __VA_ARGS__)
#define tsr_debug(...) tsr_log(TSR_LOG_DEBUG, __VA_ARGS__)

#endif
