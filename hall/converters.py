"""URL converters shared by every app's routes."""


class RowIdConverter:
    """A primary key: digits only, and short enough for a 64-bit column, so an absurd id is a 404, not a 500."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))
