/* The readable report: image and OS lines, package counts, then findings
 * sorted by severity, or the package list when no vulnerability database
 * was used. Text from the image is hostile, so control bytes are replaced
 * before they reach a terminal. */
#include <stdio.h>
#include <string.h>

#include "report/report.h"
#include "scan.h"

/* Column widths stop growing here; longer values are cut with "~". */
#define TABLE_MAX_COLUMN 48

/* Writes S padded to WIDTH (no padding when WIDTH is 0), with control
 * bytes shown as '?' and values over TABLE_MAX_COLUMN cut. */
static void put_cell(FILE *out, const char *s, size_t width)
{
	size_t len;
	size_t visible;
	size_t n;

	if (s == NULL)
		s = "-";
	len = strlen(s);
	visible = width != 0 && len > TABLE_MAX_COLUMN ? TABLE_MAX_COLUMN - 1 : len;
	for (n = 0; n < visible; n++) {
		unsigned char c = (unsigned char)s[n];

		fputc(c < 0x20 || c == 0x7f ? '?' : c, out);
	}
	if (visible < len) {
		fputc('~', out);
		n++;
	}
	for (; n < width; n++)
		fputc(' ', out);
}

void st_report_put_text(FILE *out, const char *s, size_t max)
{
	size_t len;
	size_t n;

	if (s == NULL) {
		fputc('-', out);
		return;
	}
	len = strlen(s);
	/* A cut falls on a UTF-8 character boundary: never after a lead
	 * byte, before its continuation bytes (10xxxxxx). */
	if (len > max) {
		while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
			max--;
	}
	for (n = 0; n < len && n < max; n++) {
		unsigned char c = (unsigned char)s[n];

		fputc(c < 0x20 || c == 0x7f ? '?' : c, out);
	}
	if (len > n)
		fputc('~', out);
}

static size_t cell_width(const char *s)
{
	size_t n = s ? strlen(s) : 1;

	return n > TABLE_MAX_COLUMN ? TABLE_MAX_COLUMN : n;
}

static const char *short_digest(const char *digest, char buf[20])
{
	if (digest == NULL)
		return "-";
	if (strncmp(digest, "sha256:", 7) == 0 && strlen(digest) >= 19) {
		memcpy(buf, digest + 7, 12);
		buf[12] = '\0';
		return buf;
	}
	return digest;
}

static void write_header(const struct strata_scan *scan, FILE *out)
{
	const struct st_image *img = scan->image;
	const struct st_os *os = &scan->inv.os;
	size_t i;

	fputs("Image:    ", out);
	put_cell(out, img->reference, 0);
	fprintf(out, " (%s)\n", st_image_form_name(img->form));
	if (img->manifest_digest != NULL) {
		fputs("Manifest: ", out);
		put_cell(out, img->manifest_digest, 0);
		fputc('\n', out);
	}
	fputs("Config:   ", out);
	put_cell(out, img->config_digest, 0);
	fputc('\n', out);
	fputs("Platform: ", out);
	put_cell(out, img->os, 0);
	/* A root filesystem (dir:) has no config to name one. */
	if (img->os != NULL || img->architecture != NULL) {
		fputc('/', out);
		put_cell(out, img->architecture, 0);
	}
	if (img->variant != NULL) {
		fputc('/', out);
		put_cell(out, img->variant, 0);
	}
	fputc('\n', out);
	fputs("OS:       ", out);
	if (os->found)
		put_cell(out, os->pretty_name ? os->pretty_name : os->id, 0);
	else
		fputs("unknown (no readable os-release)", out);
	if (os->eol_date != NULL) {
		fputs(" (end of life since ", out);
		put_cell(out, os->eol_date, 0);
		fputc(')', out);
	}
	fputc('\n', out);
	if (img->attestation_count > 0 || img->referrer_count > 0)
		fprintf(out, "Attached: %zu attestations, %zu artifacts (signatures, SBOMs)\n",
			img->attestation_count, img->referrer_count);
	fprintf(out, "Layers:   %zu\n", img->layer_count);
	for (i = 0; i < img->layer_count; i++) {
		const struct st_layer_info *l = &img->layers[i];
		char buf[20];

		fprintf(out, "  %2zu  %s  %10llu bytes  ", i, short_digest(l->digest, buf),
			(unsigned long long)l->size);
		if (l->missing)
			fputs("(foreign layer, blob absent: not scanned)  ", out);
		st_report_put_text(out, l->created_by, ST_REPORT_MAX_TEXT);
		fputc('\n', out);
	}
	if (scan->inv.setuid_count > 0)
		fprintf(out, "Setuid:   %zu (regular files with the setuid or setgid bit)\n",
			scan->inv.setuid_count);
}

/* Prints "Packages: N (deb X, npm Y)" over the packages OPTS lists;
 * packages are sorted by type. */
static void write_package_counts(const struct strata_scan *scan, FILE *out,
				 const struct strata_report_options *opts)
{
	const struct st_inventory *inv = &scan->inv;
	size_t total = 0;
	size_t owned = 0;
	size_t removed = 0;
	size_t i = 0;
	bool first = true;

	for (i = 0; i < inv->count; i++) {
		if (st_report_package_shown(&inv->packages[i], opts))
			total++;
		else
			owned++;
		if (inv->packages[i].flags & ST_PKG_REMOVED)
			removed++;
	}
	fprintf(out, "Packages: %zu", total);
	i = 0;
	while (i < inv->count) {
		const char *type = inv->packages[i].type;
		size_t n = 0;

		for (; i < inv->count && strcmp(inv->packages[i].type, type) == 0; i++) {
			if (st_report_package_shown(&inv->packages[i], opts))
				n++;
		}
		if (n == 0)
			continue;
		fprintf(out, "%s%s %zu", first ? " (" : ", ", type, n);
		first = false;
	}
	fputs(first ? "" : ")", out);
	if (removed > 0)
		fprintf(out, ", %zu of them removed by a later layer", removed);
	if (owned > 0)
		fprintf(out, "; %zu more owned by OS packages (--show-owned lists them)", owned);
	fputc('\n', out);
}

/* Writes "0 aaaaaaaaaaaa" (index and short layer digest) or "-" for P's
 * layer into BUF. */
static const char *layer_cell(const struct strata_scan *scan, const struct st_package *p,
			      char buf[48])
{
	char digest[20];

	if (p->layer >= scan->image->layer_count)
		return "-";
	snprintf(buf, 48, "%zu %s", p->layer,
		 short_digest(scan->image->layers[p->layer].digest, digest));
	return buf;
}

/* The flags of a package as shown in the NOTE column. */
static const struct {
	unsigned flag;
	const char *note;
} package_notes[] = {
	{ST_PKG_KERNEL_HEADERS, "kernel"}, {ST_PKG_GLOBAL, "global"},
	{ST_PKG_DEV, "dev"},               {ST_PKG_UNVERSIONED, "unversioned"},
};

/* Writes P's NOTE cell: "removed in layer N", "owned by OWNER" and the
 * words of package_notes, separated by ", ". The owner comes from the
 * image, so it goes through put_cell. */
static void put_notes(FILE *out, const struct st_package *p)
{
	const char *sep = "";
	size_t i;

	if (p->flags & ST_PKG_REMOVED) {
		fprintf(out, "removed in layer %zu", p->removed_in);
		sep = ", ";
	}
	if (p->flags & ST_PKG_OS_OWNED) {
		fprintf(out, "%sowned by ", sep);
		put_cell(out, p->owner, cell_width(p->owner));
		sep = ", ";
	}
	for (i = 0; i < sizeof(package_notes) / sizeof(package_notes[0]); i++) {
		if (p->flags & package_notes[i].flag) {
			fprintf(out, "%s%s", sep, package_notes[i].note);
			sep = ", ";
		}
	}
}

static bool has_notes(const struct st_package *p)
{
	return (p->flags & (ST_PKG_REMOVED | ST_PKG_OS_OWNED | ST_PKG_KERNEL_HEADERS |
			    ST_PKG_GLOBAL | ST_PKG_DEV | ST_PKG_UNVERSIONED)) != 0;
}

struct package_columns {
	size_t type, name, version, layer;
};

/* Lists the packages that OPTS shows, in inventory order: the table of an
 * inventory-only scan. The LAYER cell is padded only when a NOTE follows,
 * so no line ends in spaces. */
static void write_packages(const struct strata_scan *scan, FILE *out,
			   const struct strata_report_options *opts)
{
	const struct st_inventory *inv = &scan->inv;
	struct package_columns w = {strlen("TYPE"), strlen("NAME"), strlen("VERSION"),
				    strlen("LAYER")};
	size_t shown = 0;
	char buf[48];
	size_t i;

	for (i = 0; i < inv->count; i++) {
		const struct st_package *p = &inv->packages[i];

		if (!st_report_package_shown(p, opts))
			continue;
		shown++;
		if (cell_width(p->type) > w.type)
			w.type = cell_width(p->type);
		if (cell_width(p->name) > w.name)
			w.name = cell_width(p->name);
		if (cell_width(p->version) > w.version)
			w.version = cell_width(p->version);
		if (cell_width(layer_cell(scan, p, buf)) > w.layer)
			w.layer = cell_width(layer_cell(scan, p, buf));
	}
	if (shown == 0)
		return;
	fputc('\n', out);
	put_cell(out, "TYPE", w.type + 2);
	put_cell(out, "NAME", w.name + 2);
	put_cell(out, "VERSION", w.version + 2);
	put_cell(out, "LAYER", w.layer + 2);
	fputs("NOTE\n", out);
	for (i = 0; i < inv->count; i++) {
		const struct st_package *p = &inv->packages[i];

		if (!st_report_package_shown(p, opts))
			continue;
		put_cell(out, p->type, w.type + 2);
		put_cell(out, p->name, w.name + 2);
		put_cell(out, p->version, w.version + 2);
		if (has_notes(p)) {
			put_cell(out, layer_cell(scan, p, buf), w.layer + 2);
			put_notes(out, p);
		} else {
			put_cell(out, layer_cell(scan, p, buf), 0);
		}
		fputc('\n', out);
	}
}

struct finding_columns {
	size_t id, package, installed, fixed, severity, status;
};

static void measure(const struct strata_scan *scan, const struct strata_report_options *opts,
		    struct finding_columns *w, size_t counts[ST_SEVERITY_CRITICAL + 1],
		    size_t *shown)
{
	size_t i;

	w->id = strlen("ID");
	w->package = strlen("PACKAGE");
	w->installed = strlen("INSTALLED");
	w->fixed = strlen("FIXED IN");
	w->severity = strlen("SEVERITY");
	w->status = strlen("STATUS");
	*shown = 0;
	for (i = 0; i < scan->findings.count; i++) {
		const struct st_finding *f = &scan->findings.items[i];
		const struct st_package *p = &scan->inv.packages[f->package];

		if (!st_report_finding_shown(f, opts))
			continue;
		(*shown)++;
		counts[f->severity]++;
		if (cell_width(f->id) > w->id)
			w->id = cell_width(f->id);
		if (cell_width(p->name) > w->package)
			w->package = cell_width(p->name);
		if (cell_width(p->version) > w->installed)
			w->installed = cell_width(p->version);
		if (cell_width(f->fixed_version) > w->fixed)
			w->fixed = cell_width(f->fixed_version);
		if (cell_width(st_severity_name(f->severity)) > w->severity)
			w->severity = cell_width(st_severity_name(f->severity));
		if (cell_width(st_vuln_status_name(f->status)) > w->status)
			w->status = cell_width(st_vuln_status_name(f->status));
	}
}

static void write_summary(FILE *out, size_t shown, const size_t counts[ST_SEVERITY_CRITICAL + 1])
{
	bool first = true;
	int sev;

	fprintf(out, "Findings: %zu", shown);
	for (sev = ST_SEVERITY_CRITICAL; sev >= ST_SEVERITY_UNKNOWN; sev--) {
		if (counts[sev] == 0)
			continue;
		fprintf(out, "%s%s %zu", first ? " (" : ", ", st_severity_name(sev), counts[sev]);
		first = false;
	}
	fputs(first ? "\n" : ")\n", out);
}

int st_report_table(const struct strata_scan *scan, FILE *out,
		    const struct strata_report_options *opts, size_t *shown,
		    struct strata_error *err)
{
	size_t counts[ST_SEVERITY_CRITICAL + 1] = {0};
	struct finding_columns w;
	size_t n_shown = 0;
	bool kernel = false;
	size_t i;

	write_header(scan, out);
	write_package_counts(scan, out, opts);
	if (!scan->matched) {
		fputs("Findings: not checked (no vulnerability database was used)\n", out);
		write_packages(scan, out, opts);
		goto out;
	}

	measure(scan, opts, &w, counts, &n_shown);
	write_summary(out, n_shown, counts);
	if (n_shown == 0)
		goto out;
	fputc('\n', out);
	put_cell(out, "ID", w.id + 2);
	put_cell(out, "PACKAGE", w.package + 2);
	put_cell(out, "INSTALLED", w.installed + 2);
	put_cell(out, "FIXED IN", w.fixed + 2);
	put_cell(out, "SEVERITY", w.severity + 2);
	put_cell(out, "STATUS", w.status + 2);
	fputs("LAYER\n", out);
	for (i = 0; i < scan->findings.count; i++) {
		const struct st_finding *f = &scan->findings.items[i];
		const struct st_package *p = &scan->inv.packages[f->package];
		char buf[20];

		if (!st_report_finding_shown(f, opts))
			continue;
		put_cell(out, f->id, w.id + 2);
		put_cell(out, p->name, w.package + 2);
		put_cell(out, p->version, w.installed + 2);
		put_cell(out, f->fixed_version, w.fixed + 2);
		put_cell(out, st_severity_name(f->severity), w.severity + 2);
		put_cell(out, st_vuln_status_name(f->status), w.status + 2);
		if (p->layer < scan->image->layer_count)
			fprintf(out, "%zu %s", p->layer,
				short_digest(scan->image->layers[p->layer].digest, buf));
		if (p->flags & ST_PKG_KERNEL_HEADERS) {
			fputs("  [kernel]", out);
			kernel = true;
		}
		fputc('\n', out);
	}
	if (kernel)
		fputs("\n[kernel] a kernel or kernel-header package: a container runs on the "
		      "host's kernel, not on the one the image carries.\n",
		      out);

out:
	if (shown != NULL)
		*shown = n_shown;
	if (fflush(out) != 0 || ferror(out))
		return st_error_sys(err, STRATA_EIO, "writing the report failed");
	return 0;
}
