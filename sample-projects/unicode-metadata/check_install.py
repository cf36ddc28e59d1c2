import café_tools

assert café_tools.GREETING == "¡Hola, café!"
print("café_tools ok")
