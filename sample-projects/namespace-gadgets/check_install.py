import acme.gadgets

assert acme.gadgets.gadget() == "gadget"
print("acme.gadgets ok")
