cdef long long c_fib(int n) noexcept nogil
