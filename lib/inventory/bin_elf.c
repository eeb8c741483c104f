/* Stream captures and the ELF headers that the executables cataloger
 * reads: the file header and program headers from the first chunk of a
 * file (ELF-64 and ELF-32, either byte order, as the System V gABI
 * describes them). */
#include <string.h>

#include "inventory/binary.h"

void st_bin_capture_begin(struct st_bin_capture *c, uint64_t start, size_t want)
{
	st_buf_dispose(&c->buf);
	st_buf_init(&c->buf, want);
	c->start = start;
	c->want = want;
	c->active = true;
	c->missed = false;
}

void st_bin_capture_dispose(struct st_bin_capture *c)
{
	st_buf_dispose(&c->buf);
	c->active = false;
}

bool st_bin_capture_full(const struct st_bin_capture *c)
{
	return c->active && !c->missed && c->buf.len == c->want;
}

int st_bin_capture_feed(struct st_bin_capture *c, const unsigned char *data, size_t len,
			uint64_t off, struct strata_error *err)
{
	uint64_t next;
	uint64_t end = off + len;
	size_t n;

	if (!c->active || c->missed || c->buf.len == c->want)
		return 0;
	next = c->start + c->buf.len;
	if (next < off) {
		c->missed = true;
		return 0;
	}
	if (next >= end)
		return 0;
	n = (size_t)(end - next);
	if (n > c->want - c->buf.len)
		n = c->want - c->buf.len;
	return st_buf_append(&c->buf, data + (next - off), n, err);
}

uint64_t st_bin_read_uint(const unsigned char *p, unsigned size, bool big_endian)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < size; i++) {
		unsigned shift = big_endian ? 8 * (size - 1 - i) : 8 * i;

		v |= (uint64_t)p[i] << shift;
	}
	return v;
}

/* Field offsets and sizes of the ELF file header. */
struct ehdr_layout {
	size_t phoff, shoff, phentsize, phnum, shentsize, shnum, shstrndx;
	unsigned word;   /* bytes of an address or offset */
	size_t ehsize;
	size_t phdr_size;
};

static const struct ehdr_layout ehdr64 = {32, 40, 54, 56, 58, 60, 62, 8, 64, 56};
static const struct ehdr_layout ehdr32 = {28, 32, 42, 44, 46, 48, 50, 4, 52, 32};

/* Reads one program header at P; keeps it when it is PT_LOAD. */
static int read_phdr(struct st_bin_elf *elf, const unsigned char *p, uint64_t size,
		     struct strata_error *err)
{
	unsigned w = elf->is64 ? 8 : 4;
	bool be = elf->big_endian;
	uint64_t offset, vaddr, filesz;
	struct st_bin_load *l;

	if (st_bin_read_uint(p, 4, be) != 1) /* PT_LOAD */
		return 0;
	if (elf->is64) {
		offset = st_bin_read_uint(p + 8, w, be);
		vaddr = st_bin_read_uint(p + 16, w, be);
		filesz = st_bin_read_uint(p + 32, w, be);
	} else {
		offset = st_bin_read_uint(p + 4, w, be);
		vaddr = st_bin_read_uint(p + 8, w, be);
		filesz = st_bin_read_uint(p + 16, w, be);
	}
	if (offset > size || filesz > size - offset)
		return st_error_set(err, STRATA_ECORRUPT,
				    "loadable segment at offset %llu of %llu bytes lies past the end",
				    (unsigned long long)offset, (unsigned long long)filesz);
	if (offset + filesz > elf->load_end)
		elf->load_end = offset + filesz;
	if (elf->load_count == ST_BIN_MAX_LOADS)
		return 0;
	l = &elf->loads[elf->load_count++];
	l->vaddr = vaddr;
	l->offset = offset;
	l->filesz = filesz;
	return 0;
}

int st_bin_elf_parse(struct st_bin_elf *elf, const unsigned char *head, size_t len,
		     uint64_t size, struct strata_error *err)
{
	const struct ehdr_layout *lay;
	uint64_t phoff;
	uint64_t phentsize, phnum;
	uint64_t i;
	int rc;

	memset(elf, 0, sizeof(*elf));
	if (len < 16 || memcmp(head, "\177ELF", 4) != 0)
		return STRATA_EUNSUPPORTED;
	if ((head[4] != 1 && head[4] != 2) || (head[5] != 1 && head[5] != 2))
		return st_error_set(err, STRATA_ECORRUPT, "unknown ELF class %u or byte order %u",
				    head[4], head[5]);
	elf->is64 = head[4] == 2;
	elf->big_endian = head[5] == 2;
	lay = elf->is64 ? &ehdr64 : &ehdr32;
	if (len < lay->ehsize)
		return st_error_set(err, STRATA_ECORRUPT, "ELF header cut short");

	phoff = st_bin_read_uint(head + lay->phoff, lay->word, elf->big_endian);
	phentsize = st_bin_read_uint(head + lay->phentsize, 2, elf->big_endian);
	phnum = st_bin_read_uint(head + lay->phnum, 2, elf->big_endian);
	elf->shoff = st_bin_read_uint(head + lay->shoff, lay->word, elf->big_endian);
	elf->shentsize = (uint32_t)st_bin_read_uint(head + lay->shentsize, 2, elf->big_endian);
	elf->shnum = (uint32_t)st_bin_read_uint(head + lay->shnum, 2, elf->big_endian);
	elf->shstrndx = (uint32_t)st_bin_read_uint(head + lay->shstrndx, 2, elf->big_endian);

	if (phnum != 0 && phentsize < lay->phdr_size)
		return st_error_set(err, STRATA_ECORRUPT, "program header size %llu is too small",
				    (unsigned long long)phentsize);
	/* phentsize and phnum are 16-bit: the product cannot overflow. */
	if (phoff > len || phentsize * phnum > len - phoff)
		return st_error_set(err, STRATA_ECORRUPT,
				    "program headers at offset %llu lie past the first %zu bytes",
				    (unsigned long long)phoff, len);
	for (i = 0; i < phnum; i++) {
		rc = read_phdr(elf, head + phoff + i * phentsize, size, err);
		if (rc < 0)
			return rc;
	}
	elf->valid = true;
	return 0;
}

bool st_bin_elf_offset(const struct st_bin_elf *elf, uint64_t vaddr, uint64_t len,
		       uint64_t *offset)
{
	size_t i;

	for (i = 0; i < elf->load_count; i++) {
		const struct st_bin_load *l = &elf->loads[i];

		if (vaddr < l->vaddr || vaddr - l->vaddr >= l->filesz)
			continue;
		if (len > l->filesz - (vaddr - l->vaddr))
			return false;
		*offset = l->offset + (vaddr - l->vaddr);
		return true;
	}
	return false;
}
