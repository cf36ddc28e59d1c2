import polyline

assert polyline.length([(0, 0), (3, 4), (3, 10)]) == 11.0
try:
    polyline.length([(1, 1)])
except ValueError as e:
    assert "at least two points" in str(e)
else:
    raise AssertionError("a one-point polyline must raise ValueError")
print("polyline ok")
