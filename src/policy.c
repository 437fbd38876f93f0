/* policy - the CSP rules */
#include "config.h"

#include <strings.h>

#include "policy.h"

static const char *const decision_names[DECISION_COUNT] = {
	"deliver", "tag", "reroute", "quarantine", "reject",
};

static const char *const kind_names[KIND_COUNT] = {
	"none", "direct", "csp_direct", "csp",
};

const char *
decision_name(enum decision d)
{
	return decision_names[d];
}

/* decision_parse - name to decision, -1 if unknown */
int
decision_parse(const char *name)
{
	int i;

	for (i = 0; i < DECISION_COUNT; i++)
		if (strcasecmp(name, decision_names[i]) == 0)
			return i;
	return -1;
}

const char *
rcpt_kind_name(enum rcpt_kind k)
{
	return kind_names[k];
}

/* rcpt_kind_parse - name to kind, -1 if unknown */
int
rcpt_kind_parse(const char *name)
{
	int i;

	for (i = 0; i < KIND_COUNT; i++)
		if (strcasecmp(name, kind_names[i]) == 0)
			return i;
	return -1;
}

/* policy_defaults - the CSP rules */
void
policy_defaults(struct policy_table *t)
{
	int c, k;

	for (c = 0; c < CLASS_COUNT; c++)
		for (k = 0; k < KIND_COUNT; k++)
			t->decision[c][k] = DECISION_DELIVER;
	/* Billing never goes directly to any CSP customer: the partner owns it. */
	t->decision[CLASS_SUBSCRIPTION][KIND_CSP] = DECISION_REROUTE;
	t->decision[CLASS_SUBSCRIPTION][KIND_CSP_DIRECT] = DECISION_REROUTE;
	/* Non-CSP products only to customers with a direct relationship. */
	t->decision[CLASS_NON_CSP][KIND_CSP] = DECISION_REROUTE;
	/*
	 * Everything else to a CSP customer comes from the partner, whether or
	 * not it also buys directly: only non-CSP products and incidents go
	 * directly.
	 */
	t->decision[CLASS_OTHER][KIND_CSP] = DECISION_QUARANTINE;
	t->decision[CLASS_OTHER][KIND_CSP_DIRECT] = DECISION_QUARANTINE;
}

/* policy_kind - what a directory record makes a recipient */
enum rcpt_kind
policy_kind(const struct customer *cust)
{
	if (cust == NULL)
		return KIND_NONE;
	if (cust->csp)
		return cust->direct ? KIND_CSP_DIRECT : KIND_CSP;
	return cust->direct ? KIND_DIRECT : KIND_NONE;
}

/* policy_decide - one recipient's decision */
enum decision
policy_decide(const struct policy_table *t, enum csp_class class, int uncertain,
    const struct customer *cust)
{
	enum rcpt_kind k = policy_kind(cust);
	enum decision d;
	int c;

	if (!uncertain)
		return t->decision[class][k];
	d = t->decision[class][k];
	for (c = 0; c < CLASS_COUNT; c++)
		if (t->decision[c][k] > d)
			d = t->decision[c][k];
	return d;
}
