import solo

assert solo.solo() == "solo"
print("solo ok")
