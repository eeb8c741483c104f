/* Inventory: the OS and packages found in an image, and the cataloger
 * interface that fills it from the layer walk. */
#ifndef STRATA_INVENTORY_H
#define STRATA_INVENTORY_H

#include <stdbool.h>
#include <stddef.h>

#include "image/walk.h"
#include "util/util.h"

/* Fields of os-release(5); NULL when absent. */
struct st_os {
	const char *id;
	const char *id_like;
	const char *version_id;
	const char *version_codename;
	const char *pretty_name;
	const char *path;  /* the file that was read, after symlinks */
	size_t layer;
	bool found;
	/* Set by st_os_classify once the walk is done (see below). */
	const char *family;      /* ST_FAMILY_* name: "debian", "rhel", ...; NULL = unknown */
	const char *distro_key;  /* advisory key, such as "debian:bookworm"; NULL = none */
	const char *eol_date;    /* "YYYY-MM-DD" when the release has reached its end
				  * of life on the scan date, else NULL */
	bool esm;                /* Ubuntu Pro / ESM packages are present */
	bool distroless;         /* no shell or package manager, such as
				  * gcr.io/distroless or Azure Linux distroless */
};

/* One package. Strings live in the inventory's arena. */
struct st_package {
	const char *type;           /* purl type: "deb", "npm" */
	const char *name;           /* npm: "@scope/name" for scoped packages */
	const char *version;
	const char *arch;           /* NULL when the ecosystem has none */
	const char *source_name;    /* deb: Source: name, else NULL (= name) */
	const char *source_version; /* deb: "(version)" of Source:, else NULL (= version) */
	const char *license;        /* SPDX expression or the declared text; may be NULL */
	const char *path;           /* the file it was read from */
	const char *purl;
	size_t layer;               /* layer that introduced it in its final form */
	const char *found_by;       /* cataloger name, such as "dpkg" or "python" */
	unsigned flags;             /* ST_PKG_* bits */
	const char *owner;          /* ST_PKG_OS_OWNED: the OS package ("deb:python3-yaml") */
	size_t removed_in;          /* ST_PKG_REMOVED: the layer that removed it */
};

/* st_package.flags */
#define ST_PKG_KERNEL_HEADERS 0x1u /* kernel or kernel headers: the running
				    * kernel is the host's, not the image's */
#define ST_PKG_GLOBAL 0x2u         /* npm package under a global prefix */
#define ST_PKG_OS_OWNED 0x4u       /* its files belong to an OS package: reported
				    * and matched through that package */
#define ST_PKG_REMOVED 0x8u        /* installed by a lower layer, removed later
				    * (only with the scan option layers=all) */
#define ST_PKG_DEV 0x10u           /* a development-only dependency */
#define ST_PKG_UNVERSIONED 0x20u   /* the version names no release, such as Go's
				    * "(devel)", so no version range can include
				    * it. NOTE: the matcher does not skip such
				    * packages yet. */

struct st_owned_files; /* inventory.c: a hash set of owned paths */

/* A file of the final image worth a reviewer's attention, such as a
 * setuid executable. */
struct st_file_note {
	const char *path; /* normalized as in walk.h; in the inventory's arena */
	unsigned mode;    /* permission bits with setuid, setgid and sticky */
	size_t layer;     /* the layer that wrote this version */
};

struct st_inventory {
	struct st_arena arena;
	struct st_os os;
	struct st_package *packages;
	size_t count;
	size_t cap;
	struct st_owned_files *owned; /* NULL until an OS cataloger records a file */
	/* Regular files with the setuid or setgid bit, in path order (the
	 * setuid cataloger); the array lives in the arena. */
	struct st_file_note *setuid;
	size_t setuid_count;
	/* Set before cataloging for the scan option all_layers: the OS
	 * catalogers also add the packages that a lower layer installed and
	 * a later layer removed, flagged ST_PKG_REMOVED. */
	bool list_removed;
	/* The usual path ("var/lib/dpkg/status") of the first package
	 * database or release file that the catalog step found through
	 * symbolic links elsewhere, or NULL. */
	const char *moved_anchor;
};

void st_inventory_init(struct st_inventory *inv);
void st_inventory_dispose(struct st_inventory *inv);

/* Copies PKG (and every string it points to) into INV. */
int st_inventory_add(struct st_inventory *inv, const struct st_package *pkg,
		     struct strata_error *err);

/* Sorts packages by type, name, version, path. */
void st_inventory_sort(struct st_inventory *inv);

/* File ownership: OS catalogers record each file their packages installed
 * (PATH normalized as in walk.h, no leading "/"), naming the owner as
 * "TYPE:NAME" ("deb:python3-yaml"). A path recorded twice keeps its first
 * owner. */
int st_inventory_own_file(struct st_inventory *inv, const char *path, size_t len,
			  const char *owner, struct strata_error *err);
/* Returns the owner recorded for PATH, or NULL. */
const char *st_inventory_file_owner(const struct st_inventory *inv, const char *path,
				    size_t len);
/* Marks with ST_PKG_OS_OWNED (and sets owner) each non-OS package whose
 * path, or the directory holding its metadata, an OS package owns. Runs
 * after every cataloger has finished. */
void st_inventory_mark_owned(struct st_inventory *inv);

/* Distribution classification --------------------------------------------- */

/* st_os.family values. CentOS and Scientific Linux share RHEL's advisory
 * key but keep their own family; SLE Micro is "sles". */
#define ST_FAMILY_ALPINE "alpine"
#define ST_FAMILY_WOLFI "wolfi"
#define ST_FAMILY_CHAINGUARD "chainguard"
#define ST_FAMILY_DEBIAN "debian"
#define ST_FAMILY_UBUNTU "ubuntu"
#define ST_FAMILY_RHEL "rhel"
#define ST_FAMILY_CENTOS "centos"
#define ST_FAMILY_SCIENTIFIC "scientific"
#define ST_FAMILY_ROCKY "rocky"
#define ST_FAMILY_ALMALINUX "almalinux"
#define ST_FAMILY_ORACLE "ol"
#define ST_FAMILY_FEDORA "fedora"
#define ST_FAMILY_AMAZON "amzn"
#define ST_FAMILY_SLES "sles"
#define ST_FAMILY_OPENSUSE_LEAP "opensuse-leap"
#define ST_FAMILY_OPENSUSE_TUMBLEWEED "opensuse-tumbleweed"
#define ST_FAMILY_MARINER "mariner"
#define ST_FAMILY_AZURELINUX "azurelinux"
#define ST_FAMILY_PHOTON "photon"
#define ST_FAMILY_BOTTLEROCKET "bottlerocket"
#define ST_FAMILY_ARCH "arch"

/* Fills os->family, os->distro_key, os->eol_date and os->distroless from
 * the os-release fields (and the legacy release files a cataloger read),
 * with strings in ARENA. NOW is the scan time (Unix seconds) for the
 * end-of-life check. Key forms, one per advisory source:
 *   debian:CODENAME   ubuntu:VERSION_ID ("ubuntu:22.04"; Ubuntu Pro/ESM
 *   records use "ubuntu-pro:22.04")   alpine:vMAJOR.MINOR   alpine:edge
 *   wolfi   chainguard   rhel:MAJOR (RHEL, UBI, CentOS)   almalinux:MAJOR
 *   rocky:MAJOR   ol:MAJOR   fedora:N   amzn:1 | amzn:2 | amzn:2023
 *   sles:MAJOR.SP (SLES, SLE Micro: "sles:15.5")   opensuse-leap:15.5
 *   opensuse-tumbleweed   mariner:2.0   azurelinux:3.0   photon:4.0
 *   bottlerocket   arch
 * os->esm (set by the dpkg and OS catalogers) selects the end of Ubuntu's
 * extended security maintenance instead of standard support. Returns 0;
 * STRATA_ENOTFOUND with a message in ERR when the distribution, its
 * release or the release's end of life is unknown (whatever could be
 * filled is filled); or STRATA_ENOMEM. */
int st_os_classify(struct st_os *os, struct st_arena *arena, int64_t now,
		   struct strata_error *err);

/* Context passed to a cataloger with each file. */
struct st_catalog_ctx {
	struct st_inventory *inv;
	struct st_diag *diag;
	const struct strata_limits *limits;
};

/* A cataloger: declares the files it wants and turns them into packages.
 * Catalogers run in registry order at each step, so the OS cataloger
 * finishes before package catalogers build purls. A malformed file is a
 * warning on ctx->diag and the cataloger goes on; callbacks return a
 * negative code only for failures that must stop the scan (ENOMEM). */
struct st_cataloger {
	const char *name;
	/* Returns true for paths (normalized, see walk.h) this cataloger reads. */
	bool (*wants)(const char *path, size_t len);
	/* Optional: returns the I-th fixed path that the cataloger reads
	 * ("DIR/" for the files in DIR), or NULL past the last. When a
	 * directory above one is a symbolic link in the image, the catalog
	 * step reads the path that the link leads to in its place. */
	const char *(*anchor)(size_t i);
	/* Set when the cataloger follows a symbolic link at one of its own
	 * file anchors itself (os-release); else the catalog step does. */
	bool reads_own_links;
	int (*init)(void **state, struct strata_error *err);
	/* Optional; see st_walk_visitor.on_layer_file. */
	int (*on_layer_file)(void *state, const struct st_walk_file *f,
			     struct st_catalog_ctx *ctx, struct strata_error *err);
	int (*on_final_file)(void *state, const struct st_walk_file *f,
			     struct st_catalog_ctx *ctx, struct strata_error *err);
	/* Adds the packages to ctx->inv. */
	int (*finish)(void *state, struct st_catalog_ctx *ctx, struct strata_error *err);
	void (*free)(void *state);
	/* Optional: files read as a stream and reduced to a summary, as
	 * st_walk_visitor.wants_summary and .summarize describe. Only the
	 * first cataloger that wants a file summarizes it, and only that
	 * cataloger's on_layer_file and on_final_file then see it. */
	bool (*wants_summary)(const char *path, size_t len, uint64_t size, unsigned mode);
	int (*summarize)(const struct st_walk_file *meta, struct st_stream *content,
			 struct st_buf *out, const struct strata_limits *limits,
			 struct st_diag *diag, struct strata_error *err);
};

/* Top-level directories that merged-/usr systems (Debian 12, Fedora, ...)
 * turn into links to their /usr counterparts, each with its '/'. */
#define ST_MERGED_USR_DIR_COUNT 6
extern const char *const st_merged_usr_dirs[ST_MERGED_USR_DIR_COUNT];

extern const struct st_cataloger st_cataloger_os;
extern const struct st_cataloger st_cataloger_dpkg;
extern const struct st_cataloger st_cataloger_npm;
/* Java archives, through the summarize hooks (lib/inventory/java.c). */
extern const struct st_cataloger st_cataloger_java;
/* Setuid and setgid files into inv->setuid (lib/inventory/setuid.c). */
extern const struct st_cataloger st_cataloger_setuid;

/* Runs the layer walk with every registered cataloger and fills INV. */
int st_catalog_image(struct st_image *img, struct st_inventory *inv,
		     const struct st_walk_options *opts, struct st_walk_layer_stats *stats,
		     struct strata_error *err);

/* The same, with OBSERVER (may be NULL) seeing every tar entry of the
 * walk: the layer analysis of `strata layers`. */
int st_catalog_image_observed(struct st_image *img, struct st_inventory *inv,
			      const struct st_walk_options *opts,
			      const struct st_walk_observer *observer,
			      struct st_walk_layer_stats *stats, struct strata_error *err);

/* The same over COUNT layers opened through OPEN (see st_walk_layers),
 * so that tests can catalog in-memory layers. */
int st_catalog_layers(size_t count, st_layer_opener open, void *open_ctx,
		      const char *const *names, struct st_inventory *inv,
		      const struct st_walk_options *opts, struct st_walk_layer_stats *stats,
		      struct strata_error *err);

/* Parsers shared by catalogers, tests and fuzz targets -------------------- */

/* Parses os-release TEXT into OS (strings in ARENA). Unknown keys are
 * ignored; quoting and escapes follow os-release(5). */
int st_osrelease_parse(struct st_os *os, struct st_slice text, struct st_arena *arena,
		       struct strata_error *err);

/* Parses a dpkg status file (or one status.d file) and calls FN for each
 * installed package, i.e. each stanza whose Status ends in installed,
 * triggers-pending, triggers-awaiting, half-configured or unpacked
 * (status.d stanzas without Status count as installed). PKG strings are
 * valid during the callback only. A malformed stanza is reported on DIAG
 * with its line number and skipped. */
int st_dpkg_parse_status(struct st_slice text, const char *path,
			 const struct strata_limits *lim, struct st_diag *diag,
			 int (*fn)(void *ctx, const struct st_package *pkg,
				   struct strata_error *err),
			 void *ctx, struct strata_error *err);

/* Parses a package.json at PATH; fills PKG (strings in ARENA). Returns
 * STRATA_ECORRUPT for invalid JSON or a missing name or version. */
int st_npm_parse_package_json(struct st_package *pkg, struct st_slice text, const char *path,
			      const struct strata_limits *lim, struct st_arena *arena,
			      struct strata_error *err);

/* Alpine apk ------------------------------------------------------------- */

/* The cataloger of lib/apk/db/installed (Alpine, Wolfi, Chainguard). */
extern const struct st_cataloger st_cataloger_apk;

/* One package of an apk installed database. */
struct st_apk_package {
	struct st_package pkg; /* type "apk"; source_name is the origin (o:) */
	/* The files it owns, "DIR/NAME" from its F: and R: lines, each
	 * ending in a NUL, back to back; FILE_COUNT of them. */
	const char *files;
	size_t file_count;
	bool files_complete; /* false when the stanza's line limit cut the list */
};

/* Parses lib/apk/db/installed TEXT, read from PATH, and calls FN for each
 * package stanza. PKG and its strings are valid during the callback only.
 * A malformed line or stanza is reported on DIAG with its line number and
 * skipped. lim->status_fields bounds the lines of one stanza: past it, a
 * package keeps its fields but no more files. Returns STRATA_ELIMIT when
 * TEXT exceeds lim->cataloged_file_bytes, else 0 or FN's error. */
int st_apk_parse_installed(struct st_slice text, const char *path,
			   const struct strata_limits *lim, struct st_diag *diag,
			   int (*fn)(void *ctx, const struct st_apk_package *pkg,
				     struct strata_error *err),
			   void *ctx, struct strata_error *err);

/* rpm -------------------------------------------------------------------- */

/* The cataloger of rpm's database: var/lib/rpm or usr/lib/sysimage/rpm,
 * as Packages (Berkeley DB), rpmdb.sqlite or Packages.db (NDB). */
extern const struct st_cataloger st_cataloger_rpm;

/* One package of an rpm database. pkg.version is [EPOCH:]VERSION-RELEASE,
 * with the epoch only when the header has one. pkg.source_name and
 * pkg.source_version come from the source rpm's file name. pkg.purl is
 * NULL because the cataloger builds it once the OS release is known. */
struct st_rpm_package {
	struct st_package pkg;       /* type "rpm" */
	const char *epoch;           /* decimal, or NULL without an epoch */
	const char *version_release; /* VERSION-RELEASE, the purl version */
	const char *vendor;          /* NULL when absent */
	const char *modularity_label; /* RHEL module stream, or NULL */
	size_t file_count;           /* installed files the header lists */
	bool files_valid;            /* false when its file list is inconsistent */
	/* The installed files' paths ("/usr/bin/x"), each ending in a NUL,
	 * back to back, FILE_COUNT of them; NULL when files_valid is false
	 * or the list would exceed lim->cataloged_file_bytes. */
	const char *files;
};

/* Parses the rpm database DB read from PATH, in any of the three formats
 * (recognized by content), and calls FN for each package. PKG and its
 * strings are valid during the callback only. A damaged page, record or
 * header is reported on DIAG naming PATH and the record, and skipped.
 * Returns STRATA_ELIMIT when DB exceeds lim->cataloged_file_bytes,
 * STRATA_EUNSUPPORTED or STRATA_ECORRUPT (naming PATH) when DB as a whole
 * is no readable rpm database, else 0 or FN's error. */
int st_rpmdb_parse(struct st_slice db, const char *path, const struct strata_limits *lim,
		   struct st_diag *diag,
		   int (*fn)(void *ctx, const struct st_rpm_package *pkg, struct strata_error *err),
		   void *ctx, struct strata_error *err);

/* purl ------------------------------------------------------------------- */

/* Builds a package URL per the purl specification into ARENA: type,
 * optional namespace, name, version, and qualifiers given as KEY/VALUE
 * pairs (NULL values skipped, keys sorted), percent-encoding each part.
 * Returns NULL on allocation failure. */
char *st_purl_build(struct st_arena *arena, const char *type, const char *namespace_,
		    const char *name, const char *version,
		    const char *const *qualifiers, size_t qualifier_count);

#endif
