/* log - the single diagnostics channel: syslog, and stderr in the foreground */
#ifndef CSP_LOG_H
#define CSP_LOG_H

/*
 * Every line names the queue ID first when there is one, the Postfix way:
 * "4XyZ1abc: warning: ...".  log_warn appends strerror(errno); log_warnx
 * does not.  Safe to call from any thread once log_open has run; before
 * that, lines go to stderr only.  The audit trail is not written here.
 */
void log_open(const char *ident, int facility, int to_stderr);
void log_close(void);
/* log_to_syslog - 1 when lines go to syslog; 0 when only stderr is left */
int log_to_syslog(void);
/* log_facility_parse - "mail", "local0".."local7", "daemon", "user"; -1 if unknown */
int log_facility_parse(const char *name);

void log_info(const char *qid, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_notice(const char *qid, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_warn(const char *qid, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_warnx(const char *qid, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_err(const char *qid, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* log_raw - one line at a priority, no prefix added (audit JSON through syslog) */
void log_raw(int priority, const char *line);

#endif
