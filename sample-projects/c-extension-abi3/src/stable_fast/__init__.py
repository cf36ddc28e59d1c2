from stable_fast._core import triple
