/* test_scan_pool - scan state kept between connections decides as new state does */
#include "config.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "conf.h"
#include "scan.h"
#include "scan_pool.h"
#include "strbuf.h"
#include "unit.h"
#include "unit_conf.h"

/* scan_invoice - an invoice from the vendor to a CSP customer and another recipient */
static const struct scan_result *
scan_invoice(struct scan *scan)
{
	static const char m[] = "From: Vendor Billing <billing@vendor.example>\n"
	    "To: admin@contoso.example\nSubject: Your invoice is ready\n\n"
	    "Your invoice for October is ready. The amount due is USD 1,234.00 and will be\n"
	    "charged to the card on file on the billing date.\n";

	scan_begin(scan, unit_conf);
	scan_set_sender(scan, "<billing@vendor.example>");
	scan_add_rcpt(scan, "<admin@contoso.example>");
	scan_add_rcpt(scan, "<someone@elsewhere.example>");
	scan_raw(scan, m, sizeof(m) - 1);
	scan_decide(scan, 0);
	return scan_result(scan);
}

/* scan_pool_take_reuses - a scan given back is the next one taken, holding no config */
static void
scan_pool_take_reuses(void **state)
{
	struct scan_pool *pool = scan_pool_new(4);
	struct scan *a = scan_pool_take(pool), *first = a;
	int refs = unit_conf->refcount;

	(void)state;
	assert_non_null(a);
	(void)scan_invoice(a);
	assert_int_equal(unit_conf->refcount, refs + 1);
	scan_pool_give(pool, &a);
	assert_null(a);
	assert_int_equal(unit_conf->refcount, refs);	/* an idle scan pins no config */
	assert_int_equal(scan_pool_idle(pool), 1);
	a = scan_pool_take(pool);
	assert_ptr_equal(a, first);
	assert_int_equal(scan_pool_idle(pool), 0);
	scan_pool_give(pool, &a);
	scan_pool_free(&pool);
	assert_null(pool);
}

/* scan_pool_give_beyond_max - past max_idle, a scan given back is freed */
static void
scan_pool_give_beyond_max(void **state)
{
	struct scan_pool *pool = scan_pool_new(1);
	struct scan *a = scan_pool_take(pool), *b = scan_pool_take(pool);

	(void)state;
	assert_ptr_not_equal(a, b);
	scan_pool_give(pool, &a);
	scan_pool_give(pool, &b);
	assert_null(b);
	assert_int_equal(scan_pool_idle(pool), 1);
	scan_pool_drain(pool);
	assert_int_equal(scan_pool_idle(pool), 0);
	scan_pool_free(&pool);
}

/* scan_pool_reused_decides_alike - a reused scan decides and explains as a new one */
static void
scan_pool_reused_decides_alike(void **state)
{
	struct scan_pool *pool = scan_pool_new(2);
	struct scan *fresh = scan_new(), *reused = scan_pool_take(pool);
	const struct scan_result *r, *f;
	size_t i;

	(void)state;
	(void)scan_invoice(reused);
	scan_pool_give(pool, &reused);
	reused = scan_pool_take(pool);
	r = scan_invoice(reused);
	f = scan_invoice(fresh);
	assert_int_equal(r->vendor, 1);
	assert_int_equal(r->classify->class, f->classify->class);
	assert_int_equal(r->classify->class, CLASS_SUBSCRIPTION);
	assert_int_equal(r->classify->match_count, f->classify->match_count);
	assert_memory_equal(r->classify->score, f->classify->score, sizeof(f->classify->score));
	assert_int_equal(r->rcpt_count, f->rcpt_count);
	for (i = 0; i < r->rcpt_count; i++)
		assert_int_equal(r->rcpts[i].decision, f->rcpts[i].decision);
	assert_string_equal(r->mail_from, "billing@vendor.example");
	scan_free(&fresh);
	scan_pool_give(pool, &reused);
	scan_pool_free(&pool);
}

static void *
take_and_give(void *arg)
{
	struct scan_pool *pool = arg;
	int i;

	for (i = 0; i < 200; i++) {
		struct scan *s = scan_pool_take(pool);

		if (i % 50 == 0)
			(void)scan_invoice(s);
		scan_pool_give(pool, &s);
	}
	return NULL;
}

/* scan_pool_threads - many connections at once never share a scan nor lose one past max */
static void
scan_pool_threads(void **state)
{
	struct scan_pool *pool = scan_pool_new(3);
	pthread_t t[8];
	int i;

	(void)state;
	for (i = 0; i < 8; i++)
		assert_int_equal(pthread_create(&t[i], NULL, take_and_give, pool), 0);
	for (i = 0; i < 8; i++)
		pthread_join(t[i], NULL);
	assert_true(scan_pool_idle(pool) >= 1 && scan_pool_idle(pool) <= 3);
	scan_pool_free(&pool);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(scan_pool_take_reuses),
		cmocka_unit_test(scan_pool_give_beyond_max),
		cmocka_unit_test(scan_pool_reused_decides_alike),
		cmocka_unit_test(scan_pool_threads),
	};

	return cmocka_run_group_tests(tests, unit_conf_setup_hostile, unit_conf_teardown);
}
