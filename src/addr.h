/* addr - mail address parsing for lookups: envelope and header forms */
#ifndef CSP_ADDR_H
#define CSP_ADDR_H

#include <stddef.h>
#include "strbuf.h"

/*
 * Every address comes out in one lookup form: the local part dequoted
 * ("alice"@x and alice@x are one address) and lower-cased (ASCII), the
 * domain without trailing dots, lower-cased, and IDN U-labels turned into
 * A-labels with libidn2 (UTS #46 non-transitional), so that
 * xn--bcher-kva.example, bücher.example and BÜCHER.example compare equal.
 * Header values are parsed as RFC 5322 structure (quoted strings,
 * comments, angle addresses, groups) on the raw bytes, before any RFC 2047
 * decoding: an encoded word is only ever a word of a display name.
 * Pure functions; thread-safe.
 */

/* ADDR_READINGS_MAX - more readings than this and the recipient is unreadable */
#define ADDR_READINGS_MAX 16

/*
 * addr_domain_canon - the lookup form of a domain into out.  transitional
 * picks UTS #46 transitional processing (ß -> ss), the reading of older
 * resolvers.  Returns 0, or -1 for an empty domain (out empty).  A U-label
 * that libidn2 refuses is kept lower-cased as given.
 */
int addr_domain_canon(const char *domain, size_t len, int transitional, struct strbuf *out);

/*
 * addr_canon - the lookup form of an envelope address ("<a@b>", a source
 * route, quoted local parts).  "<>" gives "" and 0.  Returns 0, or -1 when
 * the input has no usable address (out stays empty).
 */
int addr_canon(const char *in, struct strbuf *out);

/*
 * addr_readings - every address an MTA may deliver an envelope address to,
 * in lookup form, appended to out as "\0"-terminated strings: the address
 * as written, and what the percent hack (the right-most '%' as the domain
 * separator), a bang path ("host!user" as user@host), a quoted local part
 * holding an address, and a transitional IDN reading make of it.  Returns
 * the number of readings, or -1 when there is none or more than
 * ADDR_READINGS_MAX: the address cannot be read.
 */
int addr_readings(const char *in, struct strbuf *out);

/*
 * addr_header_list - each mailbox of an address-list header value (From,
 * Sender, To), in lookup form, passed to each() in order.  Returns the
 * number of mailboxes, or -1 on a syntax error (each() may have been
 * called for the mailboxes before it).
 */
int addr_header_list(const char *value, size_t len, void (*each)(void *arg, const char *canon),
    void *arg);

/*
 * addr_from_header - the first mailbox of a From: header value
 * ("Name <a@b>", "a@b (comment)", a group), in lookup form.  Returns 0, or
 * -1 when there is none or the value does not parse.
 */
int addr_from_header(const char *value, struct strbuf *out);

/* addr_domain - the domain part of a canonical address, or NULL */
const char *addr_domain(const char *canon);

/* addr_domain_within - 1 if domain equals parent or is a subdomain of it */
int addr_domain_within(const char *domain, const char *parent);

#endif
