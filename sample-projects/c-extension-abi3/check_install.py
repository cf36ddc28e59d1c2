import stable_fast

assert stable_fast.triple(14) == 42
print("stable_fast ok")
