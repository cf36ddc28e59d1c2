#ifndef POLYLINE_KAHAN_H
#define POLYLINE_KAHAN_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The compensated (Kahan) sum of n doubles. */
double kahan_sum(const double *values, size_t n);

#ifdef __cplusplus
}
#endif

#endif
