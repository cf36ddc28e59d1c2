import acme_fast

assert acme_fast.scale(21.0) == 42.0
assert acme_fast.hypot(3.0, 4.0) == 5.0
print("acme_fast ok")
