VALUE: int
