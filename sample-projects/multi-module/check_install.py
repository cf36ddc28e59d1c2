import alpha
import beta

assert (alpha.NAME, beta.NAME) == ("alpha", "beta")
print("alpha and beta ok")
