/* log - the single diagnostics channel */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"
#include "strbuf.h"

static int log_syslog_on;
static int log_stderr_on = 1;
static const char *log_ident = "csp-milter";

/* log_open - start logging to syslog and optionally stderr */
void
log_open(const char *ident, int facility, int to_stderr)
{
	log_ident = ident;
	log_stderr_on = to_stderr;
	/*
	 * Without a syslog socket every syslog() call would try to connect
	 * again (three system calls per line): say so once and use stderr.
	 */
	if (access(_PATH_LOG, F_OK) != 0) {
		log_stderr_on = 1;
		log_warnx(NULL, "no syslog socket %s: logging to stderr only", _PATH_LOG);
		return;
	}
	openlog(ident, LOG_PID | LOG_NDELAY, facility);
	log_syslog_on = 1;
}

/* log_to_syslog - is syslog in use? */
int
log_to_syslog(void)
{
	return log_syslog_on;
}

/* log_close - stop syslog */
void
log_close(void)
{
	if (log_syslog_on)
		closelog();
	log_syslog_on = 0;
	log_stderr_on = 1;
}

/* log_facility_parse - facility name to LOG_* */
int
log_facility_parse(const char *name)
{
	static const struct {
		const char *name;
		int facility;
	} table[] = {
		{ "mail", LOG_MAIL }, { "daemon", LOG_DAEMON }, { "user", LOG_USER },
		{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 }, { "local2", LOG_LOCAL2 },
		{ "local3", LOG_LOCAL3 }, { "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
		{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
	};
	size_t i;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strcasecmp(name, table[i].name) == 0)
			return table[i].facility;
	return -1;
}

/* log_emit - format and send one line */
static void
log_emit(int priority, const char *qid, const char *level, int with_errno,
    const char *fmt, va_list ap)
{
	struct strbuf sb = STRBUF_INIT;
	int saved = errno;

	if (qid != NULL && *qid != '\0')
		strbuf_appendf(&sb, "%s: ", qid);
	if (level != NULL)
		strbuf_appendf(&sb, "%s: ", level);
	strbuf_vappendf(&sb, fmt, ap);
	if (with_errno)
		strbuf_appendf(&sb, ": %s", strerror(saved));
	if (log_syslog_on)
		syslog(priority, "%s", sb.data);
	if (log_stderr_on)
		fprintf(stderr, "%s: %s\n", log_ident, sb.data);
	strbuf_release(&sb);
	errno = saved;
}

#define LOG_FN(name, prio, level, with_errno) \
void \
name(const char *qid, const char *fmt, ...) \
{ \
	va_list ap; \
	va_start(ap, fmt); \
	log_emit(prio, qid, level, with_errno, fmt, ap); \
	va_end(ap); \
}

LOG_FN(log_info, LOG_INFO, NULL, 0)
LOG_FN(log_notice, LOG_NOTICE, NULL, 0)
LOG_FN(log_warn, LOG_WARNING, "warning", 1)
LOG_FN(log_warnx, LOG_WARNING, "warning", 0)
LOG_FN(log_err, LOG_ERR, "error", 0)

/* log_raw - one preformatted line */
void
log_raw(int priority, const char *line)
{
	if (log_syslog_on)
		syslog(priority, "%s", line);
	if (log_stderr_on)
		fprintf(stderr, "%s: %s\n", log_ident, line);
}
