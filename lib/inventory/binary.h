/* The executables cataloger (binary.c) and its detectors: Go build
 * information (bin_go.c), cargo-auditable's dependency list in Rust ELF
 * binaries (bin_rust.c), version strings of well-known programs
 * (bin_classify.c) and the ELF headers they share (bin_elf.c). Internal
 * to lib/inventory.
 *
 * An executable is never held whole: st_bin_summarize reads it once in
 * chunks of ST_BIN_CHUNK bytes. Each window it hands to the detectors is
 * the new chunk behind the last bytes of the previous one, so a pattern
 * that crosses a chunk border is still seen, and a pattern starting
 * position is searched exactly once. Detectors that need bytes past a
 * match collect them with a struct st_bin_capture as the stream passes. */
#ifndef STRATA_INVENTORY_BINARY_H
#define STRATA_INVENTORY_BINARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "inventory/inventory.h"

extern const struct st_cataloger st_cataloger_binary;
/* Cargo.lock files shipped with a crate's sources (bin_rust.c). */
extern const struct st_cataloger st_cataloger_cargo_lock;

/* Files smaller than this are never executables worth reading. */
#define ST_BIN_MIN_BYTES 512
/* Bytes read from the stream per step. */
#define ST_BIN_CHUNK (64u << 10)
/* Bytes a pattern match may span past its first byte; the window keeps
 * at most this many bytes of the previous chunk. */
#define ST_BIN_LOOKAHEAD 256
/* Cap on the bytes after the last loadable ELF segment that are kept to
 * find the .dep-v0 section: section headers sit at the end of the file.
 * A longer tail (usually debug information) skips Rust detection. */
#define ST_BIN_TAIL_MAX (8u << 20)
/* Cap on Go's version and module information together. Real module
 * lists stay far below it (a few tens of KiB for large programs). */
#define ST_BIN_GO_INFO_MAX (1u << 20)
/* PT_LOAD segments remembered to map Go's pointers to file offsets. */
#define ST_BIN_MAX_LOADS 32

/* One field of a summary record, or of a package: no record may exceed
 * it. Go module paths are limited to far less by the go command. */
#define ST_BIN_MAX_FIELD 512

/* Bytes of the file from START on, collected as the stream passes them. */
struct st_bin_capture {
	uint64_t start;
	size_t want;      /* bytes wanted from START */
	struct st_buf buf;
	bool active;
	bool missed;      /* START was before the current window: the bytes
			   * have gone by and cannot be read again */
};

void st_bin_capture_begin(struct st_bin_capture *c, uint64_t start, size_t want);
void st_bin_capture_dispose(struct st_bin_capture *c);
/* Copies the bytes of the window DATA[0..LEN), which starts at file
 * offset OFF, that C still lacks. Returns 0 or STRATA_ENOMEM. */
int st_bin_capture_feed(struct st_bin_capture *c, const unsigned char *data, size_t len,
			uint64_t off, struct strata_error *err);
/* Whether C has collected all the bytes it wants. */
bool st_bin_capture_full(const struct st_bin_capture *c);

/* ELF ------------------------------------------------------------------ */

struct st_bin_load {
	uint64_t vaddr;
	uint64_t offset;
	uint64_t filesz;
};

/* The fields of the ELF header and program headers that the detectors use. */
struct st_bin_elf {
	bool valid;
	bool is64;
	bool big_endian;
	struct st_bin_load loads[ST_BIN_MAX_LOADS];
	size_t load_count;
	uint64_t load_end; /* end of the last loadable segment in the file */
	uint64_t shoff;    /* section header table; 0 = none */
	uint32_t shnum;
	uint32_t shentsize;
	uint32_t shstrndx;
};

/* Reads the ELF header and program headers from HEAD, the first LEN
 * bytes of a file of SIZE bytes. Returns 0, STRATA_EUNSUPPORTED when
 * HEAD is no ELF header, or STRATA_ECORRUPT when a header
 * is damaged or the program headers lie past HEAD (ERR has the reason). */
int st_bin_elf_parse(struct st_bin_elf *elf, const unsigned char *head, size_t len,
		     uint64_t size, struct strata_error *err);

/* Maps the LEN bytes at virtual address VADDR to a file offset through
 * the loadable segments; false when they are not all in one segment's
 * file bytes. */
bool st_bin_elf_offset(const struct st_bin_elf *elf, uint64_t vaddr, uint64_t len,
		       uint64_t *offset);

/* Reads an unsigned integer of SIZE bytes (1, 2, 4 or 8) at P. */
uint64_t st_bin_read_uint(const unsigned char *p, unsigned size, bool big_endian);

/* Scanning -------------------------------------------------------------- */

/* One step of the scan: DATA[0..LEN) contains the file bytes from
 * offset OFF. Pattern searches start at positions FROM <= p < TO; every such p
 * has ST_BIN_LOOKAHEAD bytes behind it unless EOF is set. */
struct st_bin_window {
	const unsigned char *data;
	size_t len;
	uint64_t off;
	size_t from;
	size_t to;
	bool eof;
};

/* Go build information being read from one file. */
struct st_bin_go {
	bool found;              /* a valid build information header */
	bool inline_strings;     /* Go >= 1.18: the strings follow the header */
	bool big_endian;
	unsigned ptr_size;
	uint64_t header_off;
	struct st_bin_capture strings;   /* inline: varint-prefixed strings */
	struct st_bin_capture modinfo;   /* from the module information's start sentinel */
	bool modinfo_done;               /* MODINFO is complete or given up */
	bool modinfo_ended;              /* ... and ends at the end sentinel */
	size_t modinfo_checked;          /* bytes of MODINFO searched for the end sentinel */
	/* Go < 1.18: the header points at the Go string header of the
	 * version, which points at its bytes. */
	uint64_t version_ptr;
	struct st_bin_capture version_header;
	struct st_bin_capture version_bytes;
	bool version_lost;               /* those bytes came before the header */
	bool damaged;                    /* a warning has been sent */
};

/* One classifier rule selected for a file by its name. */
struct st_bin_class_hit {
	size_t rule;
	unsigned char needle[96]; /* the rule's prefix, then the lead of the
				   * version that the file name gives */
	size_t needle_len;
	size_t skip;              /* needle bytes before the version */
	char version[64];
	bool found;
};

#define ST_BIN_MAX_CLASS_HITS 4

struct st_bin_classify {
	struct st_bin_class_hit hits[ST_BIN_MAX_CLASS_HITS];
	size_t count;
};

struct st_bin_rust {
	bool wanted;              /* the file is ELF and its tail is small enough */
	struct st_bin_capture tail;
};

/* The state of one st_bin_summarize call. */
struct st_bin_scan {
	const char *path;
	size_t path_len;
	uint64_t size;
	const struct strata_limits *limits;
	struct st_diag *diag;
	struct st_bin_elf elf;
	struct st_bin_go go;
	struct st_bin_rust rust;
	struct st_bin_classify classify;
};

/* Reads CONTENT, the SIZE bytes of the executable META describes, once,
 * and appends the summary records to OUT (bounded by OUT's max). A
 * damaged binary is a warning on DIAG naming META->path and a partial
 * summary. Returns 0, STRATA_ELIMIT when the summary did not fit (the
 * records that fit stay), STRATA_ENOMEM, or the stream's error. */
int st_bin_summarize(const struct st_walk_file *meta, struct st_stream *content,
		     struct st_buf *out, const struct strata_limits *limits,
		     struct st_diag *diag, struct strata_error *err);

/* Go (bin_go.c) */
void st_bin_go_init(struct st_bin_go *go);
void st_bin_go_dispose(struct st_bin_go *go);
int st_bin_go_feed(struct st_bin_scan *scan, const struct st_bin_window *w,
		   struct strata_error *err);
/* At the end of the stream: appends the Go records to OUT. Returns 0,
 * STRATA_ELIMIT or STRATA_ENOMEM. */
int st_bin_go_finish(struct st_bin_scan *scan, struct st_buf *out, struct strata_error *err);

/* Reads the Go module information TEXT (the lines between the
 * sentinels, as runtime/debug.BuildInfo.String writes them) and appends
 * "go-main" and "go-dep" records to OUT. Malformed lines are skipped and
 * counted in *BAD_LINES. Returns 0, STRATA_ELIMIT or STRATA_ENOMEM. */
int st_go_modinfo_summarize(struct st_slice text, struct st_buf *out, size_t *bad_lines,
			    struct strata_error *err);

/* Rust (bin_rust.c) */
void st_bin_rust_start(struct st_bin_scan *scan);
void st_bin_rust_dispose(struct st_bin_rust *rust);
int st_bin_rust_feed(struct st_bin_scan *scan, const struct st_bin_window *w,
		     struct strata_error *err);
int st_bin_rust_finish(struct st_bin_scan *scan, struct st_buf *out, struct strata_error *err);

/* Reads cargo-auditable's JSON dependency list TEXT (already inflated)
 * and appends "cargo" records to OUT. Returns 0, STRATA_ECORRUPT naming
 * PATH, STRATA_ELIMIT or STRATA_ENOMEM. */
int st_cargo_audit_summarize(struct st_slice json, const char *path,
			     const struct strata_limits *limits, struct st_buf *out,
			     struct strata_error *err);

/* Parses Cargo.lock TEXT ([[package]] tables with name, version and
 * source) and calls FN for each package of type "cargo". */
int st_cargo_lock_parse(struct st_slice text, const char *path,
			const struct strata_limits *lim, struct st_diag *diag,
			int (*fn)(void *ctx, const struct st_package *pkg,
				  struct strata_error *err),
			void *ctx, struct strata_error *err);

/* Classifier (bin_classify.c) */
void st_bin_classify_start(struct st_bin_scan *scan);
void st_bin_classify_feed(struct st_bin_scan *scan, const struct st_bin_window *w);
int st_bin_classify_finish(struct st_bin_scan *scan, struct st_buf *out,
			   struct strata_error *err);

/* A product that the classifier recognizes. */
struct st_bin_product {
	const char *name;      /* rule name, as stored in the summary */
	const char *purl_type; /* "generic", or the ecosystem's type */
	const char *purl_name;
	const char *vendor;    /* CPE vendor and product */
	const char *product;
};

/* Returns the product of the rule called NAME, or NULL. */
const struct st_bin_product *st_bin_product_find(struct st_slice name);

/* Summary records ---------------------------------------------------------
 * One record per line, fields separated by tabs. No field contains a
 * tab, a newline or another control byte:
 *   go-version VERSION                  (as stored: "go1.22.1")
 *   go-main PATH VERSION [OLD_PATH OLD_VERSION]
 *   go-dep  PATH VERSION [OLD_PATH OLD_VERSION]
 *                       (replaced modules; local directories keep PATH
 *                        and have VERSION "(devel)")
 *   cargo NAME VERSION KIND SOURCE      (KIND "runtime" or "build")
 *   class RULE VERSION
 */

/* Appends one record of COUNT fields to OUT, whole or not at all.
 * Returns 0, STRATA_ECORRUPT when a field is empty where FIELDS demand
 * text or contains a control byte (the record is dropped), STRATA_ELIMIT
 * or STRATA_ENOMEM. */
int st_bin_record(struct st_buf *out, const struct st_slice *fields, size_t count,
		  struct strata_error *err);

/* Splits the next record off *REST into FIELDS (at most MAX); returns the
 * field count, 0 at the end, or -1 for a line with too many fields. */
int st_bin_record_next(struct st_slice *rest, struct st_slice *fields, size_t max);

#endif
