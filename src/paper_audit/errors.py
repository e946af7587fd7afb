"""The one error type for bad input: its message names the file, row, field or
parameter and says what is wrong, so it can be shown without a traceback."""


class DataError(ValueError):
    """Bad input data or parameter, with a message fit to show a reader."""

    def _render_traceback_(self):
        # IPython shows this instead of a traceback: one line that says what is wrong.
        return [f"DataError: {self}"]
