/* addr - mail address parsing for lookups: envelope and header forms */
#ifndef CSP_ADDR_H
#define CSP_ADDR_H

#include "strbuf.h"

/*
 * addr_canon - the lookup form of an envelope address: angle brackets and
 * surrounding blanks removed, the whole address lower-cased (the directory
 * and the vendor list compare case-insensitively).  "<>" gives "".
 * Returns 0, or -1 when the input has no usable address (out stays empty).
 */
int addr_canon(const char *in, struct strbuf *out);

/*
 * addr_from_header - the first mailbox of a From: header value
 * ("Name <a@b>", "a@b (comment)", a group), in lookup form.  Returns 0 or -1.
 */
int addr_from_header(const char *value, struct strbuf *out);

/* addr_domain - the domain part of a canonical address, or NULL */
const char *addr_domain(const char *canon);

/* addr_domain_within - 1 if domain equals parent or is a subdomain of it */
int addr_domain_within(const char *domain, const char *parent);

#endif
