/* wire.h - the plan's tags, bits, kinds, names and limits as C constants,
 * all made from the one table in plan.def. No other header is needed: the
 * front end (front/fplan.c) includes it for the tags it writes. */
#ifndef TSJ_WIRE_H
#define TSJ_WIRE_H

#include <stdint.h>

#include "plan.def"

/* Record tags: TSJ_TAG_NAME. */
#define TSJ_TAG_ENUM_(name, tag, ...) TSJ_TAG_##name = tag,
enum tsj_tag {
	TSJ_RECORDS(TSJ_TAG_ENUM_)
	TSJ_TAG_LIMIT = 0x100, /* tags are below this */
};
#undef TSJ_TAG_ENUM_

/* How many of each record a plan may have (TSJ_MAXN_NAME) and its length
 * bound (TSJ_LEN_NAME): plan.def's max and len columns. */
#define TSJ_MAXN_ENUM_(name, tag, concern, type, min, max, ...) TSJ_MAXN_##name = (max),
#define TSJ_LEN_ENUM_(name, tag, concern, type, min, max, len, ...) TSJ_LEN_##name = (len),
enum { TSJ_RECORDS(TSJ_MAXN_ENUM_) };
enum { TSJ_RECORDS(TSJ_LEN_ENUM_) };
#undef TSJ_MAXN_ENUM_
#undef TSJ_LEN_ENUM_

/* Value types of the records (plan.def). */
enum tsj_vtype { TSJ_V_U32, TSJ_V_U64, TSJ_V_FIXED, TSJ_V_STR, TSJ_V_STR0, TSJ_V_PATH, TSJ_V_BYTES, TSJ_V_REC };

/* A list of bits as an enum of masks, and the mask of all of them. */
#define TSJ_BIT_ENUM(name, bit, ...) name = 1u << (bit),
#define TSJ_BIT_OR(name, bit, ...) | (1u << (bit))
/* ... and as a table of JSON keys, for --dump-plan (tsj_json_bits). */
struct tsj_bit {
	uint32_t mask;
	const char *key;
};
#define TSJ_BIT_KEY(name, bit, key, ...) { 1u << (bit), #key },

enum tsj_ns { TSJ_NS_BITS(TSJ_BIT_ENUM) TSJ_NS_ALL = 0 TSJ_NS_BITS(TSJ_BIT_OR) };
enum tsj_flag { TSJ_FLAG_BITS(TSJ_BIT_ENUM) TSJ_FLAG_ALL = 0 TSJ_FLAG_BITS(TSJ_BIT_OR) };
enum tsj_seccomp_flag { TSJ_SECCOMP_BITS(TSJ_BIT_ENUM) TSJ_SF_ALL = 0 TSJ_SECCOMP_BITS(TSJ_BIT_OR) };
enum tsj_priv { TSJ_PRIV_BITS(TSJ_BIT_ENUM) TSJ_PRIV_ALL = 0 TSJ_PRIV_BITS(TSJ_BIT_OR) };
enum tsj_mount_flag { TSJ_MOUNT_FLAGS(TSJ_BIT_ENUM) TSJ_MF_ALL = 0 TSJ_MOUNT_FLAGS(TSJ_BIT_OR) };
enum tsj_root_flag { TSJ_ROOT_FLAGS(TSJ_BIT_ENUM) TSJ_RF_ALL = 0 TSJ_ROOT_FLAGS(TSJ_BIT_OR) };

/* Lists of values 0 or 1 upwards, with no gap (the generator checks). */
#define TSJ_VALUE_ENUM(name, value, ...) name = (value),
enum tsj_mount_kind { TSJ_MOUNT_KINDS(TSJ_VALUE_ENUM) };
#define TSJ_COUNT_ONE(...) + 1
enum { TSJ_MNT_KIND_MAX = 0 TSJ_MOUNT_KINDS(TSJ_COUNT_ONE) };
enum tsj_rlimit { TSJ_RLIMITS(TSJ_VALUE_ENUM) TSJ_RLIM_COUNT };

#endif
