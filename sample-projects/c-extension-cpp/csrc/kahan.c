#include "kahan.h"

double kahan_sum(const double *values, size_t n) {
    double sum = 0.0, carry = 0.0;
    for (size_t i = 0; i < n; i++) {
        double y = values[i] - carry;
        double t = sum + y;
        carry = (t - sum) - y;
        sum = t;
    }
    return sum;
}
