class RowIdConverter:
    """A database id: digits only, short enough for every backend, so junk gives 404 not 500."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)
