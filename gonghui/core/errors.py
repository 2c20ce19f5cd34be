"""``Conflict``: the one exception for "not possible in the current state of the rows" (a
forbidden transition, a stale version, a seat gone, a duplicate). Every app raises it (or a
subclass that carries data, such as a duplicate's existing row); the API answers it with 409 in
the one error format, console and H5 pages show its message."""


class Conflict(Exception):
    """HTTP 409. ``field`` names the input to blame, if any; a subclass may say where the
    clashing row is (``where()``, shown under ``errors.existing`` when not empty)."""

    def __init__(self, message: str = "", field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def where(self) -> dict:
        return {}

    @property
    def errors(self) -> dict[str, object]:
        """The ``errors`` of the 409 body: ``{field: [message]}`` and ``existing``."""
        errors: dict[str, object] = {self.field: [self.message]} if self.field else {}
        if where := self.where():
            errors["existing"] = where
        return errors
