/* The classifier: versions of well-known programs that no package
 * manager recorded, read from a version string in the binary. A rule
 * applies to files whose base name matches one of its globs
 * (fnmatch(3)). Its pattern is a literal PREFIX, the version, then a
 * literal SUFFIX. With an empty suffix, any byte outside the version
 * character set ends the version. Version characters are [0-9A-Za-z.+~_-], or [0-9.]
 * for rules marked numeric; a version starts with a digit.
 *
 * Some rules take the start of the version from the file name
 * (python3.11 contains "3.11.2"): the digits and dots after the rule's stem
 * then follow the prefix in the pattern.
 *
 * Each pattern comes from the binaries of Debian 12 (bookworm) packages;
 * tests/data/SOURCES.md names the package and version behind each
 * test snippet. */
#include <fnmatch.h>
#include <string.h>

#include "inventory/binary.h"

struct lit {
	const char *ptr;
	size_t len;
};

/* A literal that may hold NUL bytes. */
#define LIT(s) {s, sizeof(s) - 1}
#define NO_LIT {"", 0}

struct rule {
	struct st_bin_product product;
	const char *globs[3];
	struct lit prefix;
	struct lit suffix;
	const char *stem;    /* non-NULL: the version starts with the digits
			      * that follow this stem in the file name */
	struct lit lead;     /* fixed start of the version */
	unsigned min_dots;
	bool numeric;
};

#define PRODUCT(rule, type, name, vendor, prod) {rule, type, name, vendor, prod}

static const struct rule rules[] = {
	/* python3.11 (python3.11 3.11.2-6): "\0003.11.2\0" */
	{PRODUCT("python", "generic", "python", "python", "python"),
	 {"python[23]*", NULL, NULL}, LIT("\0"), LIT("\0"), "python", NO_LIT, 2, false},
	{PRODUCT("libpython", "generic", "python", "python", "python"),
	 {"libpython[23]*.so*", NULL, NULL}, LIT("\0"), LIT("\0"), "libpython", NO_LIT, 2, false},
	/* perl (perl-base 5.36.0-7): "\0v5.36.0\0" */
	{PRODUCT("perl", "generic", "perl", "perl", "perl"),
	 {"perl", "perl5*", NULL}, LIT("\0v"), LIT("\0"), NULL, LIT("5."), 2, false},
	/* node (nodejs 20): the release URL */
	{PRODUCT("node", "generic", "node", "nodejs", "node.js"),
	 {"node", "nodejs", NULL}, LIT("nodejs.org/download/release/v"), LIT("/"), NULL, NO_LIT,
	 2, false},
	/* bash (bash 5.2.15-2): "@(#)Bash version 5.2.15(1) release" */
	{PRODUCT("bash", "generic", "bash", "gnu", "bash"),
	 {"bash", NULL, NULL}, LIT("@(#)Bash version "), LIT("("), NULL, NO_LIT, 1, false},
	/* busybox (busybox 1.35.0-4): "BusyBox v1.35.0 (Debian ...)" */
	{PRODUCT("busybox", "generic", "busybox", "busybox", "busybox"),
	 {"busybox", NULL, NULL}, LIT("BusyBox v"), LIT(" ("), NULL, NO_LIT, 1, false},
	/* nginx (nginx 1.22.1-9): "nginx version: nginx/1.22.1\n" */
	{PRODUCT("nginx", "generic", "nginx", "f5", "nginx"),
	 {"nginx", NULL, NULL}, LIT("nginx version: nginx/"), NO_LIT, NULL, NO_LIT, 2, false},
	/* apache2 (apache2-bin 2.4.71): "Apache/2.4.71"; "Apache/2.4" also occurs */
	{PRODUCT("httpd", "generic", "httpd", "apache", "http_server"),
	 {"httpd", "apache2", NULL}, LIT("Apache/"), NO_LIT, NULL, NO_LIT, 2, false},
	/* redis-check-rdb, the redis-server binary (redis-tools 7.0.15):
	 * "\0007.0.15\0" */
	{PRODUCT("redis", "generic", "redis", "redis", "redis"),
	 {"redis-server", "redis-check-rdb", NULL}, LIT("\0"), LIT("\0"), NULL, NO_LIT, 2, false},
	/* postgres (postgresql-15 15.20): "PostgreSQL 15.20 (Debian ...)" */
	{PRODUCT("postgresql", "generic", "postgresql", "postgresql", "postgresql"),
	 {"postgres", NULL, NULL}, LIT("PostgreSQL "), LIT(" ("), NULL, NO_LIT, 1, false},
	/* mariadbd (mariadb-server-core 10.11.19): "\00010.11.19-MariaDB\0".
	 * NOTE: Oracle's mysqld was not available to check; only MariaDB's
	 * mysqld matches this rule. */
	{PRODUCT("mariadb", "generic", "mariadb", "mariadb", "mariadb"),
	 {"mariadbd", "mysqld", NULL}, LIT("\0"), LIT("-MariaDB"), NULL, NO_LIT, 2, true},
	/* haproxy (haproxy 2.6.12): " version 2.6.12-1+deb12u4, released" */
	{PRODUCT("haproxy", "generic", "haproxy", "haproxy", "haproxy"),
	 {"haproxy", NULL, NULL}, LIT(" version "), LIT(", released"), NULL, NO_LIT, 2, false},
	/* php8.2 (php8.2-cli 8.2.36): "X-Powered-By: PHP/8.2.36" */
	{PRODUCT("php", "generic", "php", "php", "php"),
	 {"php*", NULL, NULL}, LIT("X-Powered-By: PHP/"), NO_LIT, NULL, NO_LIT, 2, false},
	/* libruby-3.1.so (libruby3.1 3.1.2): "ruby 3.1.2p20 (2022-04-12 ...".
	 * The ruby executable itself contains no version. */
	{PRODUCT("ruby", "generic", "ruby", "ruby-lang", "ruby"),
	 {"ruby*", "libruby*.so*", NULL}, LIT("ruby "), NO_LIT, NULL, NO_LIT, 2, true},
	/* libc.so.6 (libc6 2.36-9): "stable release version 2.36." */
	{PRODUCT("glibc", "generic", "glibc", "gnu", "glibc"),
	 {"libc.so.6", "libc-2.*.so", NULL}, LIT("release version "), NO_LIT, NULL, NO_LIT, 1,
	 true},
	/* musl's libc.so, installed as ld-musl-ARCH.so.1 (musl 1.2.3-1):
	 * "/proc/self/fd/\0" "1.2.3\0". NOTE: only Debian's build was checked,
	 * not Alpine's. */
	{PRODUCT("musl", "generic", "musl", "musl-libc", "musl"),
	 {"ld-musl-*.so.1", "libc.musl-*.so.1", NULL}, LIT("/proc/self/fd/\0"), LIT("\0"), NULL,
	 NO_LIT, 2, false},
	/* curl (curl 7.88.1-10): "curl 7.88.1 (x86_64-pc-linux-gnu)" */
	{PRODUCT("curl", "generic", "curl", "haxx", "curl"),
	 {"curl", NULL, NULL}, LIT("curl "), LIT(" ("), NULL, NO_LIT, 2, false},
	/* libcurl.so.4 (libcurl4 7.88.1-10): "CLIENT libcurl 7.88.1" */
	{PRODUCT("libcurl", "generic", "curl", "haxx", "libcurl"),
	 {"libcurl.so*", "libcurl-gnutls.so*", NULL}, LIT("CLIENT libcurl "), NO_LIT, NULL, NO_LIT,
	 2, false},
	/* libcrypto.so.3 (libssl3 3.0.19): "OpenSSL 3.0.19 27 Jan 2026". NOTE:
	 * libssl.so contains no version string of its own, so only the
	 * libcrypto shipped with it is reported. */
	{PRODUCT("openssl", "generic", "openssl", "openssl", "openssl"),
	 {"libcrypto.so*", NULL, NULL}, LIT("OpenSSL "), LIT(" "), NULL, NO_LIT, 2, false},
	/* libjvm.so (openjdk-17-jre-headless 17.0.21.1+2):
	 * "OpenJDK 64-Bit Server VM (17.0.21.1+2-1-deb12u1-Debian)" */
	{PRODUCT("openjdk", "generic", "openjdk", "oracle", "openjdk"),
	 {"libjvm.so", NULL, NULL}, LIT("Server VM ("), LIT(")"), NULL, NO_LIT, 2, false},
	/* java (the same package): "\0java\0" "0.0\0" "17.0.21.1+2-1-deb12u1-Debian\0" */
	{PRODUCT("java", "generic", "openjdk", "oracle", "openjdk"),
	 {"java", NULL, NULL}, LIT("\0"), LIT("\0"), NULL, NO_LIT, 2, false},
};

const struct st_bin_product *st_bin_product_find(struct st_slice name)
{
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(rules); i++) {
		if (st_slice_eq_cstr(name, rules[i].product.name))
			return &rules[i].product;
	}
	return NULL;
}

static bool is_version_char(unsigned char c, bool numeric)
{
	if ((c >= '0' && c <= '9') || c == '.')
		return true;
	if (numeric)
		return false;
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '+' || c == '~' ||
	       c == '_' || c == '-';
}

/* Appends the digits and dots that follow the rule's stem in BASE
 * ("python3.11" gives "3.11."); false when there are none. */
static bool name_lead(const char *stem, const char *base, unsigned char *out, size_t cap,
		      size_t *len)
{
	size_t n = strlen(stem);
	size_t i;

	if (strncmp(base, stem, n) != 0)
		return false;
	base += n;
	for (i = 0; base[i] != '\0'; i++) {
		bool digit = base[i] >= '0' && base[i] <= '9';
		bool dot = base[i] == '.' && base[i + 1] >= '0' && base[i + 1] <= '9';

		if (!digit && !(dot && i > 0))
			break;
	}
	if (i == 0 || *len + i + 1 > cap)
		return false;
	memcpy(out + *len, base, i);
	*len += i;
	if (out[*len - 1] != '.')
		out[(*len)++] = '.';
	return true;
}

/* Builds the needle of rule R for a file named BASE. */
static bool prepare_hit(struct st_bin_class_hit *h, size_t r, const char *base)
{
	const struct rule *rule = &rules[r];

	memset(h, 0, sizeof(*h));
	h->rule = r;
	if (rule->prefix.len + rule->lead.len > sizeof(h->needle))
		return false;
	memcpy(h->needle, rule->prefix.ptr, rule->prefix.len);
	h->needle_len = rule->prefix.len;
	h->skip = rule->prefix.len;
	memcpy(h->needle + h->needle_len, rule->lead.ptr, rule->lead.len);
	h->needle_len += rule->lead.len;
	if (rule->stem != NULL)
		return name_lead(rule->stem, base, h->needle, sizeof(h->needle), &h->needle_len);
	return h->needle_len > 0;
}

void st_bin_classify_start(struct st_bin_scan *scan)
{
	struct st_bin_classify *cl = &scan->classify;
	const char *slash = memrchr(scan->path, '/', scan->path_len);
	char base[256];
	size_t len;
	size_t r;
	size_t g;

	cl->count = 0;
	slash = slash != NULL ? slash + 1 : scan->path;
	len = scan->path_len - (size_t)(slash - scan->path);
	if (len == 0 || len >= sizeof(base))
		return;
	memcpy(base, slash, len);
	base[len] = '\0';
	for (r = 0; r < ST_ARRAY_LEN(rules) && cl->count < ST_BIN_MAX_CLASS_HITS; r++) {
		for (g = 0; g < ST_ARRAY_LEN(rules[r].globs) && rules[r].globs[g] != NULL; g++) {
			if (fnmatch(rules[r].globs[g], base, 0) != 0)
				continue;
			if (prepare_hit(&cl->hits[cl->count], r, base))
				cl->count++;
			break;
		}
	}
}

/* Reads the version that starts at P in W for hit H; true when the
 * rule's pattern matches there in full. */
static bool read_version(struct st_bin_class_hit *h, const struct st_bin_window *w, size_t p)
{
	const struct rule *rule = &rules[h->rule];
	size_t start = p + h->skip;
	size_t end = start;
	unsigned dots = 0;
	size_t i;

	while (end < w->len && end - start < sizeof(h->version) - 1 &&
	       is_version_char(w->data[end], rule->numeric))
		end++;
	if (end == w->len && !w->eof)
		return false; /* longer than the look-ahead: not a version */
	if (end < w->len && is_version_char(w->data[end], rule->numeric))
		return false; /* longer than a version may be */
	if (rule->suffix.len > 0 && (w->len - end < rule->suffix.len ||
				     memcmp(w->data + end, rule->suffix.ptr, rule->suffix.len) != 0))
		return false;
	while (end > start && w->data[end - 1] == '.')
		end--;
	if (end == start || w->data[start] < '0' || w->data[start] > '9')
		return false;
	for (i = start; i < end; i++)
		dots += w->data[i] == '.';
	if (dots < rule->min_dots)
		return false;
	memcpy(h->version, w->data + start, end - start);
	h->version[end - start] = '\0';
	return true;
}

void st_bin_classify_feed(struct st_bin_scan *scan, const struct st_bin_window *w)
{
	struct st_bin_classify *cl = &scan->classify;
	size_t i;

	for (i = 0; i < cl->count; i++) {
		struct st_bin_class_hit *h = &cl->hits[i];
		size_t p = w->from;

		while (!h->found && p < w->to) {
			const unsigned char *hit;
			size_t end = w->to + h->needle_len - 1;

			if (end > w->len)
				end = w->len;
			if (end - p < h->needle_len)
				break;
			hit = memmem(w->data + p, end - p, h->needle, h->needle_len);
			if (hit == NULL || (size_t)(hit - w->data) >= w->to)
				break;
			p = (size_t)(hit - w->data);
			h->found = read_version(h, w, p);
			p++;
		}
	}
}

int st_bin_classify_finish(struct st_bin_scan *scan, struct st_buf *out,
			   struct strata_error *err)
{
	struct st_bin_classify *cl = &scan->classify;
	struct st_slice f[3];
	size_t i;
	int rc;

	for (i = 0; i < cl->count; i++) {
		if (!cl->hits[i].found)
			continue;
		f[0] = st_slice_cstr("class");
		f[1] = st_slice_cstr(rules[cl->hits[i].rule].product.name);
		f[2] = st_slice_cstr(cl->hits[i].version);
		rc = st_bin_record(out, f, 3, err);
		if (rc < 0)
			return rc;
		/* One product per file: the first rule that matched. */
		break;
	}
	return 0;
}
