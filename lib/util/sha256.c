/* SHA-256 through OpenSSL's EVP interface. */
#include <string.h>

#include <openssl/evp.h>

#include "util/util.h"

static void to_hex(const unsigned char *md, char hex[ST_SHA256_HEX_LEN + 1])
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < 32; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[ST_SHA256_HEX_LEN] = '\0';
}

int st_sha256_init(struct st_sha256 *h, struct strata_error *err)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	h->md = NULL;
	if (ctx == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory for a SHA-256 context");
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(ctx);
		return st_error_set(err, STRATA_EINTERNAL, "SHA-256 initialization failed");
	}
	h->md = ctx;
	return 0;
}

void st_sha256_update(struct st_sha256 *h, const void *data, size_t n)
{
	if (n)
		EVP_DigestUpdate(h->md, data, n);
}

void st_sha256_final(struct st_sha256 *h, char hex[ST_SHA256_HEX_LEN + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	EVP_DigestFinal_ex(h->md, md, &len);
	to_hex(md, hex);
	st_sha256_dispose(h);
}

void st_sha256_dispose(struct st_sha256 *h)
{
	EVP_MD_CTX_free(h->md);
	h->md = NULL;
}

void st_sha256_hex(const void *data, size_t n, char hex[ST_SHA256_HEX_LEN + 1])
{
	unsigned char md[32];

	EVP_Digest(data, n, md, NULL, EVP_sha256(), NULL);
	to_hex(md, hex);
}

bool st_digest_is_valid(const char *digest)
{
	size_t i;

	if (digest == NULL || strncmp(digest, "sha256:", 7) != 0)
		return false;
	for (i = 7; i < 7 + ST_SHA256_HEX_LEN; i++) {
		char c = digest[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
	}
	return digest[i] == '\0';
}
