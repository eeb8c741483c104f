/* Fuzzes the CVSS vector parser and calculators (v2.0, v3.x, v4.0). The
 * input is one vector string; a score must stay within 0.0-10.0. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vuln/cvss.h"
#include "vuln/vuln.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char vector[ST_CVSS_VECTOR_MAX + 2];
	int version;
	int tenths;
	int sev;

	if (size > ST_CVSS_VECTOR_MAX + 1)
		return 0;
	memcpy(vector, data, size);
	vector[size] = '\0';
	if (st_cvss_score(vector, &version, &tenths, NULL) != 0)
		return 0;
	sev = st_cvss_severity(version, tenths);
	if (tenths < 0 || tenths > 100 || sev < ST_SEVERITY_NEGLIGIBLE ||
	    sev > ST_SEVERITY_CRITICAL)
		__builtin_trap();
	return 0;
}
