import acme.widgets

assert acme.widgets.widget() == "widget"
assert not hasattr(acme, "__file__") or acme.__file__ is None  # a namespace package
print("acme.widgets ok")
