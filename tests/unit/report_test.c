#include "harness.h"

ST_TEST(report_placeholder)
{
	return ST_TEST_SKIP;
}
