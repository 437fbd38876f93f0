/* fuzz_rule - pattern folding on arbitrary patterns */
#include "config.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rule.h"
#include "rule_fold.h"
#include "strbuf.h"

/*
 * Folding a pattern must never crash, and a pattern that compiles must
 * still compile through rule_set_add (folded, or as written when folding
 * broke it), whatever bytes it holds.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct strbuf pat, folded;
	struct rule_set *rs;
	struct rule_spec spec;
	const char *error = NULL;
	pcre2_code *code;
	PCRE2_SIZE off;
	int err;

	strbuf_reset(&pat);
	strbuf_append(&pat, data, size);
	if (memchr(data, '\0', size) != NULL)
		return 0;
	rule_fold_pattern(pat.data, &folded);
	code = pcre2_compile((PCRE2_SPTR)pat.data, PCRE2_ZERO_TERMINATED,
	    PCRE2_UTF | PCRE2_UCP, &err, &off, NULL);
	if (code == NULL)
		return 0;
	pcre2_code_free(code);
	rs = rule_set_new(1000, 100);
	memset(&spec, 0, sizeof(spec));
	spec.id = "fuzz";
	spec.target = RULE_TARGET_BODY;
	spec.pattern = pat.data;
	spec.weight = 1;
	spec.file = "fuzz";
	/*
	 * A pattern that compiles as written is taken, or refused for the one
	 * defined reason: its folded form does not compile (a config error,
	 * never a silent fallback to the unfolded reading).
	 */
	if (rule_set_add(rs, &spec, &error) != 0 &&
	    (error == NULL || strstr(error, "does not compile once folded") == NULL))
		abort();
	rule_set_free(&rs);
	return 0;
}
