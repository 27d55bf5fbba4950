"""The one refusal of backups: a line for the operator saying what is wrong."""


class BackupError(RuntimeError):
    """A backup cannot be made, checked or restored; str() says why, in one line."""
