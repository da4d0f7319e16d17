/* odla.h - the whole ODLA C API: types, lifecycle and one function per operator. */
#ifndef ODLA_H_
#define ODLA_H_

#include "odla_types.h"
#include "odla_compute.h"
#include <ODLA/odla_ops.h> /* generated from ops/ops.toml */

#endif /* ODLA_H_ */
