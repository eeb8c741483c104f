#include "harness.h"

ST_TEST(vuln_placeholder)
{
	return ST_TEST_SKIP;
}
