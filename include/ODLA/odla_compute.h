/* odla_compute.h - computations, contexts and values: the lifecycle of a model.
 *
 * Compile mode (what HALO emits by default): build an odla_computation once with
 * odla_CreateComputation, odla_CreateArgument / odla_CreateConstant, one odla_<Op> call
 * per operator and odla_SetValueAsOutput; then per inference create (or reuse) an
 * odla_context, bind input and output buffers by value id and call
 * odla_ExecuteComputation.
 *
 * Interpret mode: create values holding data with odla_CreateValue / odla_SetValueData,
 * call the same odla_<Op> functions, which then compute immediately, read results with
 * odla_GetValueData and free them with odla_ReleaseValue.
 */
#ifndef ODLA_COMPUTE_H_
#define ODLA_COMPUTE_H_

#include "odla_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Creates an empty computation and makes it the current one: the odla_<Op> builders
 *  called afterwards on this thread add to it. */
extern ODLA_API_EXPORT odla_status odla_CreateComputation(odla_computation* computation);

/** Makes `computation` the current one of this thread again. */
extern ODLA_API_EXPORT odla_status odla_SetActiveComputation(odla_computation computation);

/** Sets a property of a computation (see odla_item_type). */
extern ODLA_API_EXPORT odla_status odla_SetComputationItem(odla_computation computation,
                                                           odla_item_type type, const void* value);

/** Frees a computation and every value it owns. */
extern ODLA_API_EXPORT odla_status odla_DestroyComputation(odla_computation computation);

/** Creates a context: the per-inference state (bound buffers, intermediate results). */
extern ODLA_API_EXPORT odla_status odla_CreateContext(odla_context* context);

/** Frees a context. */
extern ODLA_API_EXPORT odla_status odla_DestroyContext(odla_context context);

/** Declares an input of the current computation. */
extern ODLA_API_EXPORT odla_value odla_CreateArgument(odla_value_type type, odla_value_id id);

/** Declares a constant of the current computation. `data` (densely packed, row-major)
 *  must stay valid and unchanged until the computation is destroyed. */
extern ODLA_API_EXPORT odla_value odla_CreateConstant(odla_value_type type, const void* data,
                                                      odla_value_id id);

/** Marks `value` as an output of the current computation. */
extern ODLA_API_EXPORT odla_status odla_SetValueAsOutput(const odla_value value);

/** Binds the caller's buffer for the argument named `id` in `context`. */
extern ODLA_API_EXPORT odla_status odla_BindToArgumentById(odla_value_id id, const void* data_ptr,
                                                           odla_context context);

/** Binds the caller's buffer that receives the output named `id`. */
extern ODLA_API_EXPORT odla_status odla_BindToOutputById(odla_value_id id, void* data_ptr,
                                                         odla_context context);

/** Runs the computation with the buffers bound in `context`. `device` may be NULL. */
extern ODLA_API_EXPORT odla_status odla_ExecuteComputation(odla_computation computation,
                                                           odla_context context,
                                                           odla_compute_mode mode,
                                                           odla_device device);

/** Interpret mode: creates a value of the given type with its own storage. */
extern ODLA_API_EXPORT odla_value odla_CreateValue(odla_value_type type, odla_value_id id);

/** Interpret mode: copies `data_ptr` (the value's full size) into `value`. */
extern ODLA_API_EXPORT odla_status odla_SetValueData(odla_value value, const void* data_ptr);

/** Interpret mode: copies the value's data out to `data_ptr`. */
extern ODLA_API_EXPORT odla_status odla_GetValueData(const odla_value value, void* data_ptr);

/** Interpret mode: frees a value created by odla_CreateValue or an op. */
extern ODLA_API_EXPORT odla_status odla_ReleaseValue(odla_value value);

/** Returns the type of a value. */
extern ODLA_API_EXPORT odla_status odla_GetValueType(const odla_value value,
                                                     odla_value_type* value_type);

/** Returns a description of the last error on this thread ("" when none). */
extern ODLA_API_EXPORT const char* odla_GetLastError(void);

#ifdef __cplusplus
}
#endif

#endif /* ODLA_COMPUTE_H_ */
