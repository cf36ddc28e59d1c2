"""Run after installing: the package imports and works."""

import greet

assert greet.hello("pip") == "Hello, pip!", greet.hello("pip")
print("greet ok")
