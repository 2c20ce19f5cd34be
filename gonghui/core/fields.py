"""Model fields for personal data encrypted at rest."""

from django.db import models

from . import crypto


class EncryptedTextField(models.TextField):
    """Stores Fernet ciphertext; Python code sees the plaintext.

    Not searchable: pair it with a ``lookup_hash`` column for exact matches.
    """

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(value)
