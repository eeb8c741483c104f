/* CVSS calculators for the vectors that advisories carry.
 *   v2.0, v3.0, v3.1: the base equations of FIRST's specifications. v3.0
 *   rounds up with a plain ceiling to one decimal, while v3.1 first rounds
 *   to five decimals (see roundup).
 *   v4.0: the MacroVector method of FIRST's v4.0 specification. The 270
 *   MacroVector scores, the highest-severity vectors of each EQ level and
 *   the level depths are the data that FIRST's reference calculator
 *   publishes (cvss_lookup.js, max_composed.js and max_severity.js of
 *   github.com/RedHatProductSecurity/cvss-v4-calculator, BSD-2-Clause),
 *   written out here as C tables.
 * Scores are integers in tenths so that callers compare them exactly. */
#include <math.h>
#include <string.h>

#include "vuln/cvss.h"
#include "vuln/vuln.h"

/* Vector parsing ----------------------------------------------------------- */

/* One metric of a version: its abbreviation, its values separated by
 * spaces (the position of a value is its index), and whether a vector
 * must contain it. */
struct metric_def {
	const char *name;
	const char *values;
	bool required;
};

#define MAX_METRICS 40

struct parsed_vector {
	int index[MAX_METRICS];  /* position of the value in values, -1 if absent */
	char letter[MAX_METRICS]; /* first character of that value, 0 if absent */
};

/* Returns the position of VALUE (LEN bytes) among the space-separated
 * tokens of VALUES, or -1. */
static int value_index(const char *values, const char *value, size_t len)
{
	const char *p = values;
	int pos = 0;

	while (*p != '\0') {
		size_t n = strcspn(p, " ");

		if (n == len && memcmp(p, value, len) == 0)
			return pos;
		p += n;
		if (*p == ' ')
			p++;
		pos++;
	}
	return -1;
}

/* Parses "K:V/K:V/..." (TEXT, LEN bytes) against DEFS into OUT. */
static int parse_metrics(const char *text, size_t len, const struct metric_def *defs,
			 size_t count, struct parsed_vector *out, struct strata_error *err)
{
	size_t pos = 0;
	size_t i;

	for (i = 0; i < count; i++) {
		out->index[i] = -1;
		out->letter[i] = 0;
	}
	while (pos <= len) {
		const char *item = text + pos;
		size_t n = 0;
		size_t key_len;
		const char *colon;
		int value;

		while (pos + n < len && text[pos + n] != '/')
			n++;
		colon = memchr(item, ':', n);
		if (colon == NULL || colon == item || colon == item + n - 1)
			return st_error_set(err, STRATA_EINVAL,
					    "invalid CVSS vector: component %zu is not METRIC:VALUE",
					    pos);
		key_len = (size_t)(colon - item);
		for (i = 0; i < count; i++) {
			if (strlen(defs[i].name) == key_len &&
			    memcmp(defs[i].name, item, key_len) == 0)
				break;
		}
		if (i == count)
			return st_error_set(err, STRATA_EINVAL,
					    "invalid CVSS vector: unknown metric at byte %zu", pos);
		if (out->index[i] >= 0)
			return st_error_set(err, STRATA_EINVAL,
					    "invalid CVSS vector: metric %s given twice", defs[i].name);
		value = value_index(defs[i].values, colon + 1, n - key_len - 1);
		if (value < 0)
			return st_error_set(err, STRATA_EINVAL,
					    "invalid CVSS vector: invalid value for metric %s",
					    defs[i].name);
		out->index[i] = value;
		out->letter[i] = colon[1];
		pos += n + 1;
	}
	for (i = 0; i < count; i++) {
		if (defs[i].required && out->index[i] < 0)
			return st_error_set(err, STRATA_EINVAL,
					    "invalid CVSS vector: base metric %s missing", defs[i].name);
	}
	return 0;
}

/* CVSS v2.0 ------------------------------------------------------------------ */

enum { V2_AV, V2_AC, V2_AU, V2_C, V2_I, V2_A, V2_COUNT = 14 };

static const struct metric_def v2_metrics[V2_COUNT] = {
	{"AV", "L A N", true},
	{"AC", "H M L", true},
	{"Au", "M S N", true},
	{"C", "N P C", true},
	{"I", "N P C", true},
	{"A", "N P C", true},
	{"E", "U POC F H ND", false},
	{"RL", "OF TF W U ND", false},
	{"RC", "UC UR C ND", false},
	{"CDP", "N L LM MH H ND", false},
	{"TD", "N L M H ND", false},
	{"CR", "L M H ND", false},
	{"IR", "L M H ND", false},
	{"AR", "L M H ND", false},
};

static int score_v2(const char *text, size_t len, int *tenths, struct strata_error *err)
{
	static const double av[] = {0.395, 0.646, 1.0};
	static const double ac[] = {0.35, 0.61, 0.71};
	static const double au[] = {0.45, 0.56, 0.704};
	static const double cia[] = {0.0, 0.275, 0.660};
	struct parsed_vector p;
	double impact;
	double exploitability;
	double score;
	int rc;

	/* NVD writes v2 vectors bare, some feeds in parentheses. */
	if (len >= 2 && text[0] == '(' && text[len - 1] == ')') {
		text++;
		len -= 2;
	}
	rc = parse_metrics(text, len, v2_metrics, V2_COUNT, &p, err);
	if (rc < 0)
		return rc;
	impact = 10.41 * (1 - (1 - cia[p.index[V2_C]]) * (1 - cia[p.index[V2_I]]) *
				      (1 - cia[p.index[V2_A]]));
	exploitability = 20 * av[p.index[V2_AV]] * ac[p.index[V2_AC]] * au[p.index[V2_AU]];
	score = (0.6 * impact + 0.4 * exploitability - 1.5) * (impact == 0 ? 0 : 1.176);
	if (score < 0)
		score = 0;
	*tenths = (int)floor(score * 10 + 0.5);
	return 0;
}

/* CVSS v3.0 and v3.1 --------------------------------------------------------- */

enum { V3_AV, V3_AC, V3_PR, V3_UI, V3_S, V3_C, V3_I, V3_A, V3_COUNT = 22 };

static const struct metric_def v3_metrics[V3_COUNT] = {
	{"AV", "N A L P", true},   {"AC", "L H", true},      {"PR", "N L H", true},
	{"UI", "N R", true},       {"S", "U C", true},       {"C", "H L N", true},
	{"I", "H L N", true},      {"A", "H L N", true},     {"E", "X U P F H", false},
	{"RL", "X O T W U", false}, {"RC", "X U R C", false}, {"CR", "X L M H", false},
	{"IR", "X L M H", false},  {"AR", "X L M H", false}, {"MAV", "X N A L P", false},
	{"MAC", "X L H", false},   {"MPR", "X N L H", false}, {"MUI", "X N R", false},
	{"MS", "X U C", false},    {"MC", "X N L H", false}, {"MI", "X N L H", false},
	{"MA", "X N L H", false},
};

/* Rounds X up to one decimal, in tenths. v3.1 (Appendix A) first rounds
 * to five decimals so that 4.000000000000001 gives 4.0, not 4.1. */
static int roundup(double x, bool v31)
{
	long long scaled;

	if (!v31)
		return (int)ceil(x * 10);
	scaled = llround(x * 100000);
	if (scaled % 10000 == 0)
		return (int)(scaled / 10000);
	return (int)(scaled / 10000 + 1);
}

static int score_v3(const char *text, size_t len, bool v31, int *tenths,
		    struct strata_error *err)
{
	static const double av[] = {0.85, 0.62, 0.55, 0.2};
	static const double ac[] = {0.77, 0.44};
	static const double pr_unchanged[] = {0.85, 0.62, 0.27};
	static const double pr_changed[] = {0.85, 0.68, 0.5};
	static const double ui[] = {0.85, 0.62};
	static const double cia[] = {0.56, 0.22, 0.0};
	struct parsed_vector p;
	bool changed;
	double iss;
	double impact;
	double exploitability;
	int rc;

	rc = parse_metrics(text, len, v3_metrics, V3_COUNT, &p, err);
	if (rc < 0)
		return rc;
	changed = p.index[V3_S] == 1;
	iss = 1 - (1 - cia[p.index[V3_C]]) * (1 - cia[p.index[V3_I]]) *
			  (1 - cia[p.index[V3_A]]);
	if (changed)
		impact = 7.52 * (iss - 0.029) - 3.25 * pow(iss - 0.02, 15);
	else
		impact = 6.42 * iss;
	exploitability = 8.22 * av[p.index[V3_AV]] * ac[p.index[V3_AC]] *
			 (changed ? pr_changed : pr_unchanged)[p.index[V3_PR]] *
			 ui[p.index[V3_UI]];
	if (impact <= 0) {
		*tenths = 0;
		return 0;
	}
	if (changed)
		*tenths = roundup(fmin(1.08 * (impact + exploitability), 10), v31);
	else
		*tenths = roundup(fmin(impact + exploitability, 10), v31);
	return 0;
}

/* CVSS v4.0 ------------------------------------------------------------------- */

/* Base metrics come first, and each modified metric (MAV ...) sits at
 * M_OFFSET past its base metric. */
enum {
	AV, AC, AT, PR, UI, VC, VI, VA, SC, SI, SA,
	MAV, MAC, MAT, MPR, MUI, MVC, MVI, MVA, MSC, MSI, MSA,
	E, CR, IR, AR,
	S_, AU, R_, V_, RE, U_,
	V4_COUNT,
};

#define M_OFFSET (MAV - AV)

static const struct metric_def v4_metrics[V4_COUNT] = {
	[AV] = {"AV", "N A L P", true},    [AC] = {"AC", "L H", true},
	[AT] = {"AT", "N P", true},        [PR] = {"PR", "N L H", true},
	[UI] = {"UI", "N P A", true},      [VC] = {"VC", "H L N", true},
	[VI] = {"VI", "H L N", true},      [VA] = {"VA", "H L N", true},
	[SC] = {"SC", "H L N", true},      [SI] = {"SI", "H L N", true},
	[SA] = {"SA", "H L N", true},      [MAV] = {"MAV", "X N A L P", false},
	[MAC] = {"MAC", "X L H", false},   [MAT] = {"MAT", "X N P", false},
	[MPR] = {"MPR", "X N L H", false}, [MUI] = {"MUI", "X N P A", false},
	[MVC] = {"MVC", "X H L N", false}, [MVI] = {"MVI", "X H L N", false},
	[MVA] = {"MVA", "X H L N", false}, [MSC] = {"MSC", "X H L N", false},
	[MSI] = {"MSI", "X S H L N", false}, [MSA] = {"MSA", "X S H L N", false},
	[E] = {"E", "X A P U", false},     [CR] = {"CR", "X H M L", false},
	[IR] = {"IR", "X H M L", false},   [AR] = {"AR", "X H M L", false},
	[S_] = {"S", "X N P", false},      [AU] = {"AU", "X N Y", false},
	[R_] = {"R", "X A U I", false},    [V_] = {"V", "X D C", false},
	[RE] = {"RE", "X L M H", false},   [U_] = {"U", "X Clear Green Amber Red", false},
};

/* Scores of the 270 MacroVectors in tenths, from the reference
 * calculator's lookup table, indexed [EQ1][EQ2][EQ3][EQ6][EQ4][EQ5]. EQ3 = 2 with EQ6 = 0 cannot
 * occur (-1). */
static const signed char macro_scores[3][2][3][2][3][3] = {
	{ /* EQ1 = 0 */
		{ /* EQ2 = 0 */
			{{{100, 98, 95}, {100, 93, 91}, {93, 89, 81}},
			 {{99, 95, 92}, {96, 87, 81}, {90, 80, 68}}}, /* EQ3 = 0 */
			{{{98, 95, 90}, {93, 89, 81}, {88, 78, 69}},
			 {{95, 92, 84}, {92, 81, 65}, {80, 70, 48}}}, /* EQ3 = 1 */
			{{{-1, -1, -1}, {-1, -1, -1}, {-1, -1, -1}},
			 {{92, 82, 72}, {79, 69, 50}, {69, 55, 27}}}, /* EQ3 = 2 */
		},
		{ /* EQ2 = 1 */
			{{{99, 95, 92}, {95, 90, 84}, {92, 82, 72}},
			 {{97, 92, 85}, {91, 83, 71}, {81, 71, 53}}}, /* EQ3 = 0 */
			{{{95, 92, 85}, {92, 80, 70}, {84, 71, 50}},
			 {{93, 85, 73}, {82, 72, 59}, {70, 52, 30}}}, /* EQ3 = 1 */
			{{{-1, -1, -1}, {-1, -1, -1}, {-1, -1, -1}},
			 {{86, 75, 52}, {71, 52, 29}, {63, 29, 17}}}, /* EQ3 = 2 */
		},
	},
	{ /* EQ1 = 1 */
		{ /* EQ2 = 0 */
			{{{98, 94, 91}, {94, 86, 77}, {87, 74, 63}},
			 {{95, 87, 81}, {89, 74, 64}, {75, 63, 49}}}, /* EQ3 = 0 */
			{{{94, 88, 76}, {86, 74, 59}, {72, 57, 52}},
			 {{89, 77, 67}, {76, 58, 50}, {57, 52, 25}}}, /* EQ3 = 1 */
			{{{-1, -1, -1}, {-1, -1, -1}, {-1, -1, -1}},
			 {{83, 70, 54}, {65, 58, 26}, {53, 21, 13}}}, /* EQ3 = 2 */
		},
		{ /* EQ2 = 1 */
			{{{95, 88, 76}, {90, 75, 61}, {77, 68, 52}},
			 {{90, 76, 70}, {77, 62, 53}, {66, 59, 30}}}, /* EQ3 = 0 */
			{{{89, 76, 62}, {74, 57, 47}, {61, 57, 24}},
			 {{78, 67, 58}, {59, 57, 23}, {52, 29, 16}}}, /* EQ3 = 1 */
			{{{-1, -1, -1}, {-1, -1, -1}, {-1, -1, -1}},
			 {{71, 59, 30}, {58, 26, 15}, {23, 13, 6}}}, /* EQ3 = 2 */
		},
	},
	{ /* EQ1 = 2 */
		{ /* EQ2 = 0 */
			{{{93, 86, 75}, {86, 74, 56}, {70, 52, 40}},
			 {{87, 72, 58}, {74, 61, 34}, {54, 40, 22}}}, /* EQ3 = 0 */
			{{{85, 74, 62}, {72, 55, 46}, {53, 34, 19}},
			 {{75, 55, 51}, {57, 41, 19}, {36, 19, 8}}}, /* EQ3 = 1 */
			{{{-1, -1, -1}, {-1, -1, -1}, {-1, -1, -1}},
			 {{64, 51, 20}, {47, 21, 11}, {24, 9, 4}}}, /* EQ3 = 2 */
		},
		{ /* EQ2 = 1 */
			{{{88, 73, 60}, {73, 59, 41}, {54, 45, 20}},
			 {{75, 53, 50}, {55, 40, 20}, {43, 22, 11}}}, /* EQ3 = 0 */
			{{{75, 58, 40}, {61, 48, 20}, {46, 17, 8}},
			 {{55, 45, 21}, {51, 18, 9}, {18, 7, 2}}}, /* EQ3 = 1 */
			{{{-1, -1, -1}, {-1, -1, -1}, {-1, -1, -1}},
			 {{53, 24, 14}, {24, 12, 5}, {10, 3, 1}}}, /* EQ3 = 2 */
		},
	},
};

/* Highest-severity vectors of each EQ level, as the metric values in the
 * order of the comments, from the reference calculator. */
static const char *const eq1_max[3][3] = {
	/* AV PR UI */
	{"NNN"},
	{"ANN", "NLN", "NNP"},
	{"PNN", "ALP"},
};
static const char *const eq2_max[2][2] = {
	/* AC AT */
	{"LN"},
	{"HN", "LP"},
};
static const char *const eq3eq6_max[3][2][5] = {
	/* VC VI VA CR IR AR */
	{{"HHHHHH"}, {"HHLMMH", "HHHMMM"}},
	{{"LHHHHH", "HLHHHH"}, {"LHLHMH", "LHHHMM", "HLHMHM", "HLLMHH", "LLHHHM"}},
	{{NULL}, {"LLLHHH"}},
};
static const char *const eq4_max[3] = {
	/* SC SI SA */
	"HSS", "HHH", "LLL",
};

/* Depth of each EQ level in steps of 0.1 (the specification's "maximal
 * severity distance" plus one). */
static const int eq1_depth[3] = {1, 4, 5};
static const int eq2_depth[2] = {1, 2};
static const int eq3eq6_depth[3][2] = {{7, 6}, {8, 8}, {0, 10}};
static const int eq4_depth[3] = {6, 5, 4};

/* The value of base metric M after environmental overrides, and the
 * defaults that the specification sets for absent threat and requirement
 * metrics (E:A, CR/IR/AR:H: the worst case). */
static char effective(const struct parsed_vector *p, int m)
{
	if (m == E)
		return p->letter[E] == 0 || p->letter[E] == 'X' ? 'A' : p->letter[E];
	if (m == CR || m == IR || m == AR)
		return p->letter[m] == 0 || p->letter[m] == 'X' ? 'H' : p->letter[m];
	if (m <= SA && p->letter[m + M_OFFSET] != 0 && p->letter[m + M_OFFSET] != 'X')
		return p->letter[m + M_OFFSET];
	return p->letter[m];
}

/* Severity level of value V of metric M: 0.0 for the most severe value,
 * then 0.1 per step. The literals match the specification's reference
 * calculator, so that rounding at .x5 comes out the same. */
static double level(int m, char v)
{
	static const double steps[] = {0.0, 0.1, 0.2, 0.3};
	const char *order;
	const char *at;

	switch (m) {
	case AV: order = "NALP"; break;
	case PR: order = "NLH"; break;
	case UI: order = "NPA"; break;
	case AC: order = "LH"; break;
	case AT: order = "NP"; break;
	case VC: case VI: case VA: order = "HLN"; break;
	/* Only SI and SA have a Safety value (through MSI, MSA), but SC's
	 * High is one step down all the same. */
	case SC: case SI: case SA: order = "SHLN"; break;
	case CR: case IR: case AR: order = "HML"; break;
	default: return 0.0;
	}
	if (v == 0)
		return 0.0;
	at = strchr(order, v);
	if (at == NULL)
		return 0.0;
	return steps[at - order];
}

struct macro {
	int eq[7]; /* eq[1] .. eq[6] */
};

static void macro_vector(const struct parsed_vector *p, struct macro *mv)
{
	char av = effective(p, AV), pr = effective(p, PR), ui = effective(p, UI);
	char vc = effective(p, VC), vi = effective(p, VI), va = effective(p, VA);
	char sc = effective(p, SC), si = effective(p, SI), sa = effective(p, SA);
	char e = effective(p, E);

	if (av == 'N' && pr == 'N' && ui == 'N')
		mv->eq[1] = 0;
	else if ((av == 'N' || pr == 'N' || ui == 'N') && av != 'P')
		mv->eq[1] = 1;
	else
		mv->eq[1] = 2;
	mv->eq[2] = effective(p, AC) == 'L' && effective(p, AT) == 'N' ? 0 : 1;
	if (vc == 'H' && vi == 'H')
		mv->eq[3] = 0;
	else if (vc == 'H' || vi == 'H' || va == 'H')
		mv->eq[3] = 1;
	else
		mv->eq[3] = 2;
	/* Safety (S) exists only as an environmental value of MSI and MSA. */
	if (p->letter[MSI] == 'S' || p->letter[MSA] == 'S')
		mv->eq[4] = 0;
	else if (sc == 'H' || si == 'H' || sa == 'H')
		mv->eq[4] = 1;
	else
		mv->eq[4] = 2;
	mv->eq[5] = e == 'A' ? 0 : e == 'P' ? 1 : 2;
	if ((effective(p, CR) == 'H' && vc == 'H') || (effective(p, IR) == 'H' && vi == 'H') ||
	    (effective(p, AR) == 'H' && va == 'H'))
		mv->eq[6] = 0;
	else
		mv->eq[6] = 1;
}

/* Score of a MacroVector in tenths, or -1 when it does not exist. */
static int macro_score(int eq1, int eq2, int eq3, int eq4, int eq5, int eq6)
{
	if (eq1 > 2 || eq2 > 1 || eq3 > 2 || eq4 > 2 || eq5 > 2 || eq6 > 1)
		return -1;
	return macro_scores[eq1][eq2][eq3][eq6][eq4][eq5];
}

/* Severity distances of the vector from a highest-severity vector of its
 * MacroVector, per EQ. */
struct distances {
	double eq1, eq2, eq3eq6, eq4;
};

/* Tries the candidate maxima in the specification's order and keeps the
 * first that is at least as severe as the vector in every metric. */
static void find_distances(const struct parsed_vector *p, const struct macro *mv,
			   struct distances *d)
{
	static const int m1[] = {AV, PR, UI};
	static const int m2[] = {AC, AT};
	static const int m36[] = {VC, VI, VA, CR, IR, AR};
	static const int m4[] = {SC, SI, SA};
	const char *const *c1 = eq1_max[mv->eq[1]];
	const char *const *c2 = eq2_max[mv->eq[2]];
	const char *const *c36 = eq3eq6_max[mv->eq[3]][mv->eq[6]];
	const char *c4 = eq4_max[mv->eq[4]];
	double dist[6 + 3 + 2 + 3];
	size_t a, b, c, i, n;
	bool ok = false;

	memset(d, 0, sizeof(*d));
	for (a = 0; a < 3 && c1[a] != NULL && !ok; a++) {
		for (b = 0; b < 2 && c2[b] != NULL && !ok; b++) {
			for (c = 0; c < 5 && c36[c] != NULL && !ok; c++) {
				n = 0;
				for (i = 0; i < 3; i++)
					dist[n++] = level(m1[i], effective(p, m1[i])) -
						    level(m1[i], c1[a][i]);
				for (i = 0; i < 2; i++)
					dist[n++] = level(m2[i], effective(p, m2[i])) -
						    level(m2[i], c2[b][i]);
				for (i = 0; i < 6; i++)
					dist[n++] = level(m36[i], effective(p, m36[i])) -
						    level(m36[i], c36[c][i]);
				for (i = 0; i < 3; i++)
					dist[n++] = level(m4[i], effective(p, m4[i])) -
						    level(m4[i], c4[i]);
				ok = true;
				for (i = 0; i < n; i++) {
					if (dist[i] < 0)
						ok = false;
				}
				/* As in the specification, the last candidate's
				 * distances are used if none fits. */
				d->eq1 = dist[0] + dist[1] + dist[2];
				d->eq2 = dist[3] + dist[4];
				d->eq3eq6 = dist[5] + dist[6] + dist[7] + dist[8] + dist[9] + dist[10];
				d->eq4 = dist[11] + dist[12] + dist[13];
			}
		}
	}
}

/* Score of the next lower MacroVector through EQ3 and EQ6, which move
 * together: 00 goes to the higher of 01 and 10, 01 and 10 to 11, 11 to
 * 21, and 21 has none. */
static int eq3eq6_lower(const struct macro *mv)
{
	const int *q = mv->eq;
	int left;
	int right;

	if (q[3] == 0 && q[6] == 0) {
		left = macro_score(q[1], q[2], 0, q[4], q[5], 1);
		right = macro_score(q[1], q[2], 1, q[4], q[5], 0);
		return left > right ? left : right;
	}
	if (q[3] == 1 && q[6] == 0)
		return macro_score(q[1], q[2], 1, q[4], q[5], 1);
	if (q[6] == 1 && q[3] < 2)
		return macro_score(q[1], q[2], q[3] + 1, q[4], q[5], 1);
	return -1;
}

/* Adds the share of the distance to the next lower MacroVector that the
 * vector covers within its own MacroVector. LOWER is -1 when there is no
 * lower MacroVector; that EQ then does not count. */
static void interpolate(double value, int lower, double distance, int depth, double *sum,
			int *count)
{
	double available;

	if (lower < 0)
		return;
	available = value - lower / 10.0;
	(*count)++;
	if (depth > 0)
		*sum += available * (distance / (depth * 0.1));
}

static int score_v4(const char *text, size_t len, int *tenths, struct strata_error *err)
{
	struct parsed_vector p;
	struct distances d;
	struct macro mv;
	const int *q = mv.eq;
	double value;
	double sum = 0;
	int count = 0;
	int rc;

	rc = parse_metrics(text, len, v4_metrics, V4_COUNT, &p, err);
	if (rc < 0)
		return rc;
	if (p.letter[MSC] == 'S')
		return st_error_set(err, STRATA_EINVAL, "invalid CVSS vector: MSC cannot be S");
	if (effective(&p, VC) == 'N' && effective(&p, VI) == 'N' && effective(&p, VA) == 'N' &&
	    effective(&p, SC) == 'N' && effective(&p, SI) == 'N' && effective(&p, SA) == 'N') {
		*tenths = 0;
		return 0;
	}

	macro_vector(&p, &mv);
	value = macro_score(q[1], q[2], q[3], q[4], q[5], q[6]) / 10.0;
	find_distances(&p, &mv, &d);
	interpolate(value, macro_score(q[1] + 1, q[2], q[3], q[4], q[5], q[6]), d.eq1,
		    eq1_depth[q[1]], &sum, &count);
	interpolate(value, macro_score(q[1], q[2] + 1, q[3], q[4], q[5], q[6]), d.eq2,
		    eq2_depth[q[2]], &sum, &count);
	interpolate(value, eq3eq6_lower(&mv), d.eq3eq6, eq3eq6_depth[q[3]][q[6]], &sum, &count);
	interpolate(value, macro_score(q[1], q[2], q[3], q[4] + 1, q[5], q[6]), d.eq4,
		    eq4_depth[q[4]], &sum, &count);
	/* EQ5 (exploit maturity) has no levels within a MacroVector: it
	 * counts towards the mean with a distance of 0. */
	interpolate(value, macro_score(q[1], q[2], q[3], q[4], q[5] + 1, q[6]), 0.0, 0, &sum,
		    &count);
	if (count > 0)
		value -= sum / count;
	if (value < 0)
		value = 0;
	if (value > 10)
		value = 10;
	*tenths = (int)floor(value * 10 + 0.5);
	return 0;
}

/* Entry points ----------------------------------------------------------------- */

static bool starts_with(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(s, prefix, n) == 0;
}

int st_cvss_score(const char *vector, int *version, int *tenths, struct strata_error *err)
{
	size_t len;

	*version = 0;
	*tenths = 0;
	if (vector == NULL)
		return st_error_set(err, STRATA_EINVAL, "invalid CVSS vector: none given");
	len = strnlen(vector, ST_CVSS_VECTOR_MAX + 1);
	if (len == 0 || len > ST_CVSS_VECTOR_MAX)
		return st_error_set(err, STRATA_EINVAL,
				    "invalid CVSS vector: empty or over %d bytes", ST_CVSS_VECTOR_MAX);
	if (starts_with(vector, len, "CVSS:3.0/")) {
		*version = ST_CVSS_V30;
		return score_v3(vector + 9, len - 9, false, tenths, err);
	}
	if (starts_with(vector, len, "CVSS:3.1/")) {
		*version = ST_CVSS_V31;
		return score_v3(vector + 9, len - 9, true, tenths, err);
	}
	if (starts_with(vector, len, "CVSS:4.0/")) {
		*version = ST_CVSS_V40;
		return score_v4(vector + 9, len - 9, tenths, err);
	}
	if (starts_with(vector, len, "CVSS:"))
		return st_error_set(err, STRATA_EINVAL, "invalid CVSS vector: unknown version");
	*version = ST_CVSS_V2;
	return score_v2(vector, len, tenths, err);
}

int st_cvss_severity(int version, int tenths)
{
	if (tenths <= 0)
		return ST_SEVERITY_NEGLIGIBLE;
	if (tenths < 40)
		return ST_SEVERITY_LOW;
	if (tenths < 70)
		return ST_SEVERITY_MEDIUM;
	if (tenths < 90 || version == ST_CVSS_V2)
		return ST_SEVERITY_HIGH;
	return ST_SEVERITY_CRITICAL;
}
