print("not packed")
