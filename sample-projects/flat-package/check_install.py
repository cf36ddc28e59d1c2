"""Run after installing: the package and its data are there."""

from geometry import unit_shapes
from geometry.shapes import Square

assert unit_shapes() == {"square": 4, "triangle": 3}
assert Square(3).area() == 9
print("geometry ok")
