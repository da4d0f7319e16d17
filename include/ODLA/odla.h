/* odla.h - the whole ODLA C API: types, lifecycle and one function per operator. */
#ifndef ODLA_H_
#define ODLA_H_

#include "odla_types.h"
#include "odla_compute.h"
#include "odla_ops.h"

#endif /* ODLA_H_ */
