/* Error records and the diagnostics sink. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "util/util.h"

static const char *const code_text[] = {
	[0] = "success",
	[1] = "not found",
	[2] = "unsupported input",
	[3] = "corrupt input",
	[4] = "limit exceeded",
	[5] = "input/output error",
	[6] = "out of memory",
	[7] = "invalid argument",
	[8] = "internal error",
};

STRATA_PUBLIC const char *strata_strerror(int code)
{
	int i = -code;

	if (i < 0 || (size_t)i >= ST_ARRAY_LEN(code_text))
		return "unknown error";
	return code_text[i];
}

STRATA_PUBLIC void strata_error_clear(struct strata_error *err)
{
	if (err == NULL)
		return;
	err->code = 0;
	err->sys_errno = 0;
	err->msg[0] = '\0';
}

__attribute__((format(printf, 4, 0))) static int
error_vset(struct strata_error *err, int code, int sys_errno, const char *fmt, va_list ap)
{
	size_t n;

	if (err == NULL)
		return code;
	err->code = code;
	err->sys_errno = sys_errno;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	if (sys_errno != 0) {
		n = strlen(err->msg);
		snprintf(err->msg + n, sizeof(err->msg) - n, ": %s", strerror(sys_errno));
	}
	return code;
}

int st_error_set(struct strata_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	error_vset(err, code, 0, fmt, ap);
	va_end(ap);
	return code;
}

int st_error_sys(struct strata_error *err, int code, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	error_vset(err, code, saved, fmt, ap);
	va_end(ap);
	return code;
}

int st_error_prefix(struct strata_error *err, const char *fmt, ...)
{
	char joined[STRATA_ERROR_MSG_MAX];
	size_t n;
	va_list ap;

	if (err == NULL)
		return STRATA_EINTERNAL;
	va_start(ap, fmt);
	vsnprintf(joined, sizeof(joined), fmt, ap);
	va_end(ap);
	n = strlen(joined);
	if (n + 2 < sizeof(joined)) {
		joined[n++] = ':';
		joined[n++] = ' ';
		size_t rest = strnlen(err->msg, sizeof(err->msg));

		if (rest > sizeof(joined) - n - 1)
			rest = sizeof(joined) - n - 1;
		memcpy(joined + n, err->msg, rest);
		joined[n + rest] = '\0';
	}
	memcpy(err->msg, joined, sizeof(err->msg));
	return err->code;
}

/* Serializes every sink call and warning count, so that layer workers
 * and summarizers on several threads can share one st_diag. */
static pthread_mutex_t diag_lock = PTHREAD_MUTEX_INITIALIZER;

void st_diag(struct st_diag *d, int level, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (d == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&diag_lock);
	if (level >= ST_DIAG_WARN)
		d->warnings++;
	if (d->fn != NULL)
		d->fn(d->ctx, level, msg);
	pthread_mutex_unlock(&diag_lock);
}
