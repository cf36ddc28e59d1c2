# distutils: language = c++
# cython: language_level=3

from libcpp.vector cimport vector

from fibo._fib cimport c_fib


def mean_of_first(int n):
    """The mean of the first n Fibonacci numbers, gathered in a std::vector."""
    if n <= 0:
        raise ValueError("n must be at least 1")
    cdef vector[long long] values
    cdef int i
    for i in range(n):
        values.push_back(c_fib(i))
    cdef long long total = 0
    for value in values:
        total += value
    return total / n
