/* mta_queue - the MTA's hold queue: list, read, release, delete, re-inject */
#ifndef CSP_MTA_QUEUE_H
#define CSP_MTA_QUEUE_H

#include <stddef.h>
#include <stdint.h>
#include "strbuf.h"

/*
 * One job: what the MTA holds for review, through the MTA's own commands.
 * Postfix: postqueue -j lists the queue (JSON lines, read with jansson),
 * postcat -hb -q reads a message, postsuper -H releases it, postsuper -d
 * deletes it, and the sendmail_path of postconf re-injects (-G -i -f);
 * every command gets the config directory (-c DIR, sendmail -C DIR) when
 * one is given, as a private instance needs.  Sendmail: the queue
 * directory is read (hf files, as Sendmail renames a quarantined qf
 * file, or qf files with a q line); see mta_queue_sendmail_new.
 *
 * A failed command is -1 with the command's own message in *error_r
 * (owned by the queue, valid until the next call on it); the failure is
 * temporary (mta_queue_temporary) when the command exited 75
 * (EX_TEMPFAIL), as Postfix's commands do when the mail system is busy.
 * A queue belongs to one thread.  Memory comes from xalloc.
 */
struct mta_queue;

/* One held message. */
struct mta_held {
	char *queue_id;
	int64_t arrival;	/* seconds since the epoch */
	int64_t size;		/* bytes, as the MTA counts them */
	char *sender;		/* envelope sender, "" for the null sender */
	char **rcpts;		/* envelope recipients still to deliver */
	size_t nrcpts;
	char *reason;		/* the hold reason where the MTA keeps one, else "" */
};

/* The longest message read (postcat output or queue files): more is an error. */
#define MTA_QUEUE_MAX_MESSAGE	(256u * 1024 * 1024)

/*
 * mta_queue_postfix_new - Postfix; config_dir NULL: the default instance;
 * sendmail_cmd NULL: postconf's sendmail_path re-injects
 */
struct mta_queue *mta_queue_postfix_new(const char *config_dir, const char *sendmail_cmd);
/*
 * mta_queue_sendmail_new - Sendmail's queue directory (qf/df in it or in
 * its qf/ and df/ subdirectories).  Listing and reading work from the
 * files; release runs "sendmail -Q -qQ -qIID" then "sendmail -qIID";
 * re-injection runs "sendmail -G -i -f SENDER RCPT..."; delete removes the
 * control (hf or qf) and df files.  sendmail_cmd NULL: "sendmail" from PATH;
 * a private instance is reached through a program of its own (a wrapper
 * that adds -C FILE), as no -C is passed here.
 */
struct mta_queue *mta_queue_sendmail_new(const char *queue_dir, const char *sendmail_cmd);
void mta_queue_free(struct mta_queue **q);

/* mta_queue_mta - "postfix" or "sendmail" (static) */
const char *mta_queue_mta(const struct mta_queue *q);

/*
 * mta_queue_list - the held messages, oldest first (ties by queue ID), into
 * a fresh array (*held_r, *n_r) freed with mta_queue_held_free_all.  0, or -1.
 */
int mta_queue_list(struct mta_queue *q, struct mta_held **held_r, size_t *n_r,
    const char **error_r);
void mta_queue_held_free_all(struct mta_held **held, size_t n);
void mta_queue_held_release(struct mta_held *h);

/* mta_queue_find - the held message ID (copied into *h), 1; 0 when not held; -1 */
int mta_queue_find(struct mta_queue *q, const char *queue_id, struct mta_held *h,
    const char **error_r);

/* mta_queue_read - the held message's bytes (headers and body) into out; 0 or -1 */
int mta_queue_read(struct mta_queue *q, const char *queue_id, struct strbuf *out,
    const char **error_r);
/* mta_queue_release - deliver the held message as it is; 0 or -1 */
int mta_queue_release(struct mta_queue *q, const char *queue_id, const char **error_r);
/* mta_queue_delete - remove the held message; 0 or -1 */
int mta_queue_delete(struct mta_queue *q, const char *queue_id, const char **error_r);
/*
 * mta_queue_reinject - submit a new message (len bytes of data) from sender
 * to rcpts through the MTA's sendmail command; 0 once the MTA took it, -1.
 */
int mta_queue_reinject(struct mta_queue *q, const char *sender, char *const *rcpts,
    size_t nrcpts, const char *data, size_t len, const char **error_r);

/* mta_queue_temporary - 1 when the last failure was temporary (exit 75) */
int mta_queue_temporary(const struct mta_queue *q);

/*
 * mta_queue_parse_postqueue - one line of "postqueue -j" into *h: 1 when
 * the message is in the hold queue, 0 when it is in another (h left
 * empty), -1 when the line is not such an object (reason in *error_r,
 * static).  Pure.
 */
int mta_queue_parse_postqueue(const char *line, size_t len, struct mta_held *h,
    const char **error_r);

/*
 * mta_queue_parse_qf - a Sendmail queue control file (len bytes) into *h
 * (queue_id set by the caller) and its header lines, unfolded as the
 * message carries them, into headers (may be NULL).  1 when it holds a
 * quarantine reason (a q line), 0 when not, -1 when it is no qf file.
 * Pure.
 */
int mta_queue_parse_qf(const char *data, size_t len, struct mta_held *h,
    struct strbuf *headers, const char **error_r);

/* mta_queue_held_sort - oldest first, then by queue ID */
void mta_queue_held_sort(struct mta_held *held, size_t n);

#endif
