/* strata: error codes and the caller-owned error record. */
#ifndef STRATA_ERROR_H
#define STRATA_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

#if defined(STRATA_BUILDING_LIBRARY)
#define STRATA_PUBLIC __attribute__((visibility("default")))
#else
#define STRATA_PUBLIC
#endif

/* Every fallible function returns 0 on success or one of these negative
 * codes, and fills a caller-supplied struct strata_error with the detail. */
enum strata_code {
	STRATA_OK = 0,
	STRATA_ENOTFOUND = -1,    /* a named object does not exist */
	STRATA_EUNSUPPORTED = -2, /* valid input of a kind strata cannot read */
	STRATA_ECORRUPT = -3,     /* malformed input or a digest mismatch */
	STRATA_ELIMIT = -4,       /* input exceeds a named limit */
	STRATA_EIO = -5,          /* an operating system call failed */
	STRATA_ENOMEM = -6,       /* memory allocation failed */
	STRATA_EINVAL = -7,       /* invalid argument from the caller */
	STRATA_EINTERNAL = -8,    /* a bug in strata */
};

#define STRATA_ERROR_MSG_MAX 512

/* The detail of a failure: code, the errno of a failed system call (or 0),
 * and one line of text naming the failing object. */
struct strata_error {
	int code;
	int sys_errno;
	char msg[STRATA_ERROR_MSG_MAX];
};

/* Returns a short static sentence for CODE ("corrupt input", ...). */
STRATA_PUBLIC const char *strata_strerror(int code);

/* Resets ERR to the no-error state. */
STRATA_PUBLIC void strata_error_clear(struct strata_error *err);

#ifdef __cplusplus
}
#endif

#endif
