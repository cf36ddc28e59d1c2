# cython: language_level=3

cdef long long c_fib(int n) noexcept nogil:
    cdef long long a = 0, b = 1
    cdef int i
    for i in range(n):
        a, b = b, a + b
    return a


def fib(int n):
    """The n-th Fibonacci number."""
    if n < 0:
        raise ValueError("n must be at least 0")
    return c_fib(n)
