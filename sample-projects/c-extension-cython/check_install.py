import fibo

assert fibo.fib(10) == 55
assert fibo.mean_of_first(5) == (0 + 1 + 1 + 2 + 3) / 5
try:
    fibo.fib(-1)
except ValueError:
    pass
else:
    raise AssertionError("fib(-1) must raise ValueError")
print("fibo ok")
