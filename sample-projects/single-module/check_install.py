import tinymod

assert tinymod.double(4) == 8
print("tinymod ok")
