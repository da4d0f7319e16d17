/* odla_types.h - ODLA's basic types: element types, shapes, value types, ids, status.
 *
 * ODLA (Open Deep Learning API) is the device-independent C API that HALO's generated
 * code calls and that every runtime library (libodla_reference, libodla_dnnl, ...)
 * implements. This header is C99-clean and usable from C++.
 */
#ifndef ODLA_TYPES_H_
#define ODLA_TYPES_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Symbol visibility of ODLA entry points exported by runtime libraries. */
#if defined(_WIN32)
#define ODLA_API_EXPORT __declspec(dllexport)
#else
#define ODLA_API_EXPORT __attribute__((visibility("default")))
#endif

typedef float odla_float32;
typedef double odla_float64;
typedef int8_t odla_int8;
typedef int16_t odla_int16;
typedef int32_t odla_int32;
typedef int64_t odla_int64;
typedef uint8_t odla_uint8;
typedef uint16_t odla_uint16;
typedef uint32_t odla_uint32;
typedef uint64_t odla_uint64;
typedef int32_t odla_bool;
typedef size_t odla_size_t;

/** Element types. The order matches halo::sem::DType. */
typedef enum {
  ODLA_UNDEFINED = 0,
  ODLA_FLOAT32,
  ODLA_FLOAT16,
  ODLA_BFLOAT16,
  ODLA_FLOAT64,
  ODLA_INT8,
  ODLA_INT16,
  ODLA_INT32,
  ODLA_INT64,
  ODLA_UINT8,
  ODLA_UINT16,
  ODLA_UINT32,
  ODLA_UINT64,
  ODLA_BOOL,
  /* One byte per element, as HALO's dtype.h describes: float8 bit patterns; int4
   * sign-extended to a byte; uint4 and float4 in the low nibble. */
  ODLA_FLOAT8_E4M3FN,
  ODLA_FLOAT8_E4M3FNUZ,
  ODLA_FLOAT8_E5M2,
  ODLA_FLOAT8_E5M2FNUZ,
  ODLA_FLOAT8_E8M0,
  ODLA_INT4,
  ODLA_UINT4,
  ODLA_FLOAT4_E2M1
} odla_element_type;

/** Maximum rank of a shape and maximum length of an integer list argument. */
#define ODLA_MAX_DIMENSION 10

/** A shape (or any short list of integers: strides, pads, permutations). */
typedef struct {
  odla_int32 size;                      /**< number of valid entries in dims */
  odla_int64 dims[ODLA_MAX_DIMENSION];  /**< the entries */
} odla_value_shape;

/** Element type plus shape. */
typedef struct {
  odla_element_type element_type;
  odla_value_shape shape;
} odla_value_type;

/** Status codes returned by ODLA functions. */
typedef enum {
  ODLA_SUCCESS = 0,
  ODLA_FAILURE,          /**< generic failure; odla_GetLastError() tells more */
  ODLA_INVALID_PARAM,    /**< a null handle, a wrong dtype, a shape mismatch on bind, ... */
  ODLA_UNSUPPORTED_DATATYPE,
  ODLA_UNSUPPORTED_OP,
  ODLA_MEM_ERROR,
  ODLA_PROCESS_ERROR
} odla_status;

/** Opaque handles. */
typedef struct _odla_value* odla_value;
typedef struct _odla_computation* odla_computation;
typedef struct _odla_context* odla_context;
typedef struct _odla_device* odla_device;

/** A value id: a NUL-terminated string cast to this type, as in
 *  `(const odla_value_id)"x"`, or a small integer cast to it when the computation item
 *  ODLA_VALUE_ID_AS_INT is set. Ids are compared by content, never by address. */
typedef const struct _odla_value_id* odla_value_id;

/** Up to ODLA_MAX_OUTPUTS values (variadic operands, multi-result ops). */
#define ODLA_MAX_OUTPUTS 64
typedef struct {
  odla_int32 size;
  odla_value values[ODLA_MAX_OUTPUTS];
} odla_values;

/** The value ids of a multi-result operator's results, in result order. */
typedef struct {
  odla_int32 size;
  odla_value_id ids[ODLA_MAX_OUTPUTS];
} odla_value_ids;

/** What odla_ExecuteComputation runs for. */
typedef enum { ODLA_COMPUTE_INFERENCE = 0, ODLA_COMPUTE_TRAINING } odla_compute_mode;

/** Execution modes of generated code. */
typedef enum { ODLA_COMPILE = 0, ODLA_INTERPRET } odla_exec_mode;

/** Properties of a computation, set with odla_SetComputationItem. */
typedef enum {
  ODLA_VALUE_ID_AS_INT = 1, /**< value ids are integers, not strings; value: odla_bool* */
  ODLA_NUM_THREADS,         /**< worker threads for runtimes that use them; value: odla_int32* */
} odla_item_type;

#ifdef __cplusplus
}
#endif

#endif /* ODLA_TYPES_H_ */
