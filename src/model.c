/* model - the learned linear model: load, save, and score a message */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model.h"
#include "strbuf.h"
#include "xalloc.h"

#define MODEL_MAGIC "csp-milter-model"
#define MODEL_VERSION 1
#define MODEL_BITS_MIN 10
#define MODEL_BITS_MAX 24

struct model {
	unsigned bits;
	uint64_t seed;
	double c;			/* training cost, for the record */
	int nclass;			/* columns */
	enum csp_class classes[CLASS_COUNT];	/* class of each column */
	int column[CLASS_COUNT];	/* column of each class, -1: none */
	float bias[CLASS_COUNT];
	float *w;			/* [index * nclass + column], dense */
	uint64_t file_hash;		/* of the bytes read by model_load */
};

static __thread struct strbuf model_error_buf;

/* model_error - format the error into the thread's buffer */
static const char *
model_error(const char *fmt, ...)
{
	va_list ap;

	strbuf_reset(&model_error_buf);
	va_start(ap, fmt);
	strbuf_vappendf(&model_error_buf, fmt, ap);
	va_end(ap);
	return model_error_buf.data;
}

/* model_new - all-zero weights */
struct model *
model_new(unsigned bits, uint64_t seed, const enum csp_class *classes, int nclass, double c)
{
	struct model *m;
	int k;

	if (bits < MODEL_BITS_MIN || bits > MODEL_BITS_MAX || nclass < 1 || nclass > CLASS_COUNT)
		return NULL;
	m = xcalloc(1, sizeof(*m));
	m->bits = bits;
	m->seed = seed;
	m->c = c;
	m->nclass = nclass;
	for (k = 0; k < CLASS_COUNT; k++)
		m->column[k] = -1;
	for (k = 0; k < nclass; k++) {
		m->classes[k] = classes[k];
		m->column[classes[k]] = k;
	}
	m->w = xcalloc((size_t)nclass << bits, sizeof(*m->w));
	return m;
}

/* model_free - release */
void
model_free(struct model **mp)
{
	if (*mp == NULL)
		return;
	free((*mp)->w);
	free(*mp);
	*mp = NULL;
}

void
model_set_weight(struct model *m, uint32_t index, int k, double w)
{
	m->w[(size_t)index * (size_t)m->nclass + (size_t)k] = (float)w;
}

void
model_set_bias(struct model *m, int k, double w)
{
	m->bias[k] = (float)w;
}

uint64_t
model_file_hash(const struct model *m)
{
	return m->file_hash;
}

unsigned
model_bits(const struct model *m)
{
	return m->bits;
}

uint64_t
model_seed(const struct model *m)
{
	return m->seed;
}

/* model_weight - one weight, 0 for a class the model lacks */
double
model_weight(const struct model *m, uint32_t index, enum csp_class c)
{
	if (m->column[c] < 0 || index >> m->bits != 0)
		return 0;
	return m->w[(size_t)index * (size_t)m->nclass + (size_t)m->column[c]];
}

/* model_predict - probabilities from a feature vector */
void
model_predict(const struct model *m, const struct feature *f, size_t n, double p[CLASS_COUNT])
{
	double d[CLASS_COUNT], sum = 0;
	size_t i;
	int k;

	for (k = 0; k < m->nclass; k++)
		d[k] = m->bias[k];
	for (i = 0; i < n; i++) {
		const float *row = m->w + (size_t)f[i].index * (size_t)m->nclass;

		for (k = 0; k < m->nclass; k++)
			d[k] += (double)f[i].value * row[k];
	}
	for (k = 0; k < CLASS_COUNT; k++)
		p[k] = 0;
	for (k = 0; k < m->nclass; k++) {
		p[m->classes[k]] = 1.0 / (1.0 + exp(-d[k]));
		sum += p[m->classes[k]];
	}
	if (sum > 0)
		for (k = 0; k < CLASS_COUNT; k++)
			p[k] /= sum;
}

/* model_score - probabilities for a decoded message */
void
model_score(const struct model *m, const struct msg_text *mt, double p[CLASS_COUNT],
    struct msg_features_scratch *s)
{
	const struct feature *f;
	size_t n;

	msg_features_extract(s, mt, m->bits, m->seed, &f, &n);
	model_predict(m, f, n, p);
}

/* model_argmax - most probable class, the first on a tie */
enum csp_class
model_argmax(const double p[CLASS_COUNT])
{
	int k, best = 0;

	for (k = 1; k < CLASS_COUNT; k++)
		if (p[k] > p[best])
			best = k;
	return (enum csp_class)best;
}

/* row_zero - no weight in this row */
static int
row_zero(const struct model *m, size_t index)
{
	int k;

	for (k = 0; k < m->nclass; k++)
		if (m->w[index * (size_t)m->nclass + (size_t)k] != 0)
			return 0;
	return 1;
}

/* model_save - text file, renamed into place */
int
model_save(const struct model *m, const char *path, const char **error_r)
{
	struct strbuf tmp = STRBUF_INIT;
	size_t i, dim = (size_t)1 << m->bits, rows = 0;
	FILE *fp;
	int k, rc = -1;

	strbuf_appendf(&tmp, "%s.tmp%ld", path, (long)getpid());
	if ((fp = fopen(tmp.data, "w")) == NULL) {
		*error_r = model_error("%s: cannot write: %s", tmp.data, strerror(errno));
		strbuf_release(&tmp);
		return -1;
	}
	for (i = 0; i < dim; i++)
		rows += !row_zero(m, i);
	fprintf(fp, "%s %d bits=%u seed=0x%" PRIx64 " classes=", MODEL_MAGIC, MODEL_VERSION,
	    m->bits, m->seed);
	for (k = 0; k < m->nclass; k++)
		fprintf(fp, "%s%s", k ? "," : "", csp_class_name(m->classes[k]));
	fprintf(fp, " rows=%zu C=%g\nbias", rows, m->c);
	for (k = 0; k < m->nclass; k++)
		fprintf(fp, " %.6g", (double)m->bias[k]);
	fputc('\n', fp);
	for (i = 0; i < dim; i++) {
		if (row_zero(m, i))
			continue;
		fprintf(fp, "%zu", i);
		for (k = 0; k < m->nclass; k++)
			fprintf(fp, " %.6g", (double)m->w[i * (size_t)m->nclass + (size_t)k]);
		fputc('\n', fp);
	}
	fputs("end\n", fp);
	if (ferror(fp) | (fclose(fp) != 0))
		*error_r = model_error("%s: write error: %s", tmp.data, strerror(errno));
	else if (rename(tmp.data, path) < 0)
		*error_r = model_error("%s: cannot rename to %s: %s", tmp.data, path, strerror(errno));
	else
		rc = 0;
	if (rc < 0)
		unlink(tmp.data);
	strbuf_release(&tmp);
	return rc;
}

/* parse_header - the first line; fills bits, seed, classes, rows, c */
static const char *
parse_header(char *line, unsigned *bits, uint64_t *seed, enum csp_class *classes, int *nclass,
    unsigned long *rows, double *c)
{
	char *save = NULL, *tok, *end, *name;
	int have = 0, ci, k;
	unsigned long v;

	if ((tok = strtok_r(line, " \n", &save)) == NULL || strcmp(tok, MODEL_MAGIC) != 0)
		return "not a csp-milter model (no \"" MODEL_MAGIC "\" header)";
	if ((tok = strtok_r(NULL, " \n", &save)) == NULL || strcmp(tok, "1") != 0)
		return "unsupported model version (this csp-milter reads version 1)";
	*nclass = 0;
	*c = 0;
	while ((tok = strtok_r(NULL, " \n", &save)) != NULL) {
		errno = 0;
		if (strncmp(tok, "bits=", 5) == 0) {
			v = strtoul(tok + 5, &end, 10);
			if (*end != '\0' || end == tok + 5 || v < MODEL_BITS_MIN || v > MODEL_BITS_MAX)
				return "bits must be a number from 10 to 24";
			*bits = (unsigned)v;
			have |= 1;
		} else if (strncmp(tok, "seed=", 5) == 0) {
			*seed = strtoull(tok + 5, &end, 0);
			if (*end != '\0' || end == tok + 5 || errno != 0)
				return "bad seed";
			have |= 2;
		} else if (strncmp(tok, "classes=", 8) == 0) {
			char *csave = NULL;

			for (name = strtok_r(tok + 8, ",", &csave); name != NULL;
			    name = strtok_r(NULL, ",", &csave)) {
				if ((ci = csp_class_parse(name, 1)) < 0 || *nclass == CLASS_COUNT)
					return "classes must be a list of distinct known classes";
				for (k = 0; k < *nclass; k++)
					if (classes[k] == (enum csp_class)ci)
						return "classes must be a list of distinct known classes";
				classes[(*nclass)++] = (enum csp_class)ci;
			}
			if (*nclass == 0)
				return "no classes";
			have |= 4;
		} else if (strncmp(tok, "rows=", 5) == 0) {
			*rows = strtoul(tok + 5, &end, 10);
			if (*end != '\0' || end == tok + 5 || errno != 0)
				return "bad rows count";
			have |= 8;
		} else if (strncmp(tok, "C=", 2) == 0) {
			*c = strtod(tok + 2, &end);
			if (*end != '\0')
				return "bad C";
		} else
			return "unknown header field";
	}
	if (have != 15)
		return "header lacks bits=, seed=, classes= or rows=";
	return NULL;
}

/* parse_weights - nclass numbers after the first field of line; NULL or what is wrong */
static const char *
parse_weights(const char *p, int nclass, double *w)
{
	char *end;
	int k;

	for (k = 0; k < nclass; k++) {
		errno = 0;
		w[k] = strtod(p, &end);
		if (end == p || errno != 0 || !isfinite(w[k]))
			return "expected one finite weight per class";
		p = end;
	}
	while (*p == ' ' || *p == '\n')
		p++;
	return *p == '\0' ? NULL : "more weights than classes";
}

/* read_line - getline, folding the bytes into an FNV-1a hash */
static ssize_t
read_line(char **line, size_t *cap, FILE *fp, uint64_t *h)
{
	ssize_t n = getline(line, cap, fp), i;

	for (i = 0; i < n; i++)
		*h = (*h ^ (unsigned char)(*line)[i]) * 1099511628211ULL;
	return n;
}

/* model_load - read and check a model file */
struct model *
model_load(const char *path, const char **error_r)
{
	struct model *m = NULL;
	enum csp_class classes[CLASS_COUNT];
	unsigned bits = 0;
	uint64_t seed = 0;
	unsigned long rows = 0, seen = 0, index;
	long prev = -1;
	double c, w[CLASS_COUNT];
	char *line = NULL, *end;
	size_t cap = 0;
	ssize_t n;
	int nclass = 0, k, lineno = 1, ended = 0;
	uint64_t h = 1469598103934665603ULL;
	const char *what;
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL) {
		*error_r = model_error("%s: cannot open model file: %s", path, strerror(errno));
		return NULL;
	}
	if ((n = read_line(&line, &cap, fp, &h)) < 0) {
		*error_r = model_error("%s: empty model file", path);
		goto fail;
	}
	if ((what = parse_header(line, &bits, &seed, classes, &nclass, &rows, &c)) != NULL) {
		*error_r = model_error("%s:1: %s", path, what);
		goto fail;
	}
	if ((m = model_new(bits, seed, classes, nclass, c)) == NULL) {
		*error_r = model_error("%s:1: unusable model parameters", path);
		goto fail;
	}
	lineno++;
	if ((n = read_line(&line, &cap, fp, &h)) < 0 || strncmp(line, "bias ", 5) != 0) {
		*error_r = model_error("%s:%d: expected the \"bias\" line", path, lineno);
		goto fail;
	}
	if ((what = parse_weights(line + 5, nclass, w)) != NULL) {
		*error_r = model_error("%s:%d: %s", path, lineno, what);
		goto fail;
	}
	for (k = 0; k < nclass; k++)
		model_set_bias(m, k, w[k]);
	while ((n = read_line(&line, &cap, fp, &h)) >= 0) {
		lineno++;
		if (strcmp(line, "end\n") == 0 || strcmp(line, "end") == 0) {
			ended = 1;
			break;
		}
		errno = 0;
		index = strtoul(line, &end, 10);
		if (end == line || *end != ' ' || errno != 0) {
			*error_r = model_error("%s:%d: expected \"INDEX WEIGHT...\"", path, lineno);
			goto fail;
		}
		if (index >> bits != 0 || (long)index <= prev) {
			*error_r = model_error("%s:%d: index %lu out of range or out of order "
			    "(feature space 2^%u, ascending)", path, lineno, index, bits);
			goto fail;
		}
		if ((what = parse_weights(end, nclass, w)) != NULL) {
			*error_r = model_error("%s:%d: %s", path, lineno, what);
			goto fail;
		}
		for (k = 0; k < nclass; k++)
			model_set_weight(m, (uint32_t)index, k, w[k]);
		prev = (long)index;
		seen++;
	}
	if (ferror(fp)) {
		*error_r = model_error("%s: read error: %s", path, strerror(errno));
		goto fail;
	}
	if (!ended || seen != rows) {
		*error_r = model_error("%s: truncated: %lu of %lu rows%s", path, seen, rows,
		    ended ? "" : ", no \"end\" line");
		goto fail;
	}
	if (read_line(&line, &cap, fp, &h) >= 0) {
		*error_r = model_error("%s:%d: text after \"end\"", path, lineno + 1);
		goto fail;
	}
	free(line);
	fclose(fp);
	m->file_hash = h;
	return m;
fail:
	free(line);
	fclose(fp);
	model_free(&m);
	return NULL;
}
