"""The error raised when code tries to change a record that may no longer change."""


class FrozenRecordError(Exception):
    """A published framework, or a decided assessment, was about to be changed."""
